import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestors, depth, findSpans, formatTree, fromJaeger, isAncestor, isError, orphans, roots } from '../src/model';
import { completeOrderSpans, jaegerTrace, OTHER_TRACE_ID, TRACE_ID, traceOf } from './fixtures';

test('a CHILD_OF reference inside the trace becomes the parent, other references become links', () => {
  const trace = fromJaeger(
    jaegerTrace(TRACE_ID, [
      { id: 'a', service: 'orders', name: 'POST /orders', kind: 'server' },
      {
        id: 'b',
        service: 'fulfillment',
        name: 'process orders.placed',
        kind: 'consumer',
        references: [
          { refType: 'FOLLOWS_FROM', traceID: OTHER_TRACE_ID, spanID: 'x' },
          { refType: 'CHILD_OF', traceID: TRACE_ID, spanID: 'a' },
        ],
      },
    ]),
  );
  const consumer = trace.spans.find((s) => s.spanId === 'b');
  assert.equal(consumer?.parentSpanId, 'a');
  assert.deepEqual(consumer?.links, [{ traceId: OTHER_TRACE_ID, spanId: 'x', refType: 'FOLLOWS_FROM' }]);
  assert.equal(consumer?.kind, 'consumer');
  assert.equal(consumer?.service, 'fulfillment');
});

test('a span with only a FOLLOWS_FROM reference keeps it as its parent', () => {
  const trace = traceOf([
    { id: 'a', service: 'orders', name: 'send orders.placed', kind: 'producer' },
    {
      id: 'b',
      service: 'fulfillment',
      name: 'process orders.placed',
      references: [{ refType: 'FOLLOWS_FROM', traceID: TRACE_ID, spanID: 'a' }],
    },
  ]);
  assert.equal(trace.spans[1]?.parentSpanId, 'a');
  assert.deepEqual(trace.spans[1]?.links, []);
});

test('tags become attributes, logs become events named by their event field, status ERROR is an error', () => {
  const trace = traceOf([
    {
      id: 'a',
      service: 'gateway',
      name: 'GET',
      kind: 'client',
      tags: { 'otel.status_code': 'ERROR', 'http.response.status_code': 404 },
      events: [{ name: 'exception', attributes: { 'exception.message': 'order abc not found' } }],
    },
  ]);
  const span = trace.spans[0];
  assert.ok(span);
  assert.equal(span.attributes['http.response.status_code'], 404);
  assert.deepEqual(
    span.events.map((e) => [e.name, e.attributes]),
    [['exception', { 'exception.message': 'order abc not found' }]],
  );
  assert.equal(isError(span), true);
  assert.equal(isError({ ...span, attributes: { error: true } }), true);
  assert.equal(isError({ ...span, attributes: {} }), false);
});

test('an unknown span.kind reads as unspecified', () => {
  const trace = fromJaeger(jaegerTrace(TRACE_ID, [{ id: 'a', service: 's', name: 'n', tags: { 'span.kind': 'weird' } }]));
  assert.equal(trace.spans[0]?.kind, 'unspecified');
});

test('ancestors, depth and isAncestor follow parents from a consumer back to the gateway', () => {
  const trace = traceOf(completeOrderSpans());
  const notified = findSpans(trace, { service: 'orders', name: 'process orders.notified' })[0];
  assert.ok(notified);
  assert.deepEqual(
    ancestors(trace, notified).map((s) => s.spanId),
    ['f2', 'f1', 'e2', 'e1', 'b6', 'b2', 'b1', 'a2', 'a1'],
  );
  assert.equal(depth(trace, notified), 9);
  assert.equal(depth(trace, 'a1'), 0);
  assert.equal(isAncestor(trace, 'a1', notified), true);
  assert.equal(isAncestor(trace, notified, 'a1'), false);
  assert.equal(isAncestor(trace, 'c1', notified), false, 'a sibling branch is not an ancestor');
});

test('roots include orphans, and a parent cycle does not loop forever', () => {
  const trace = traceOf([
    { id: 'a', service: 's', name: 'root' },
    { id: 'b', parent: 'gone', service: 's', name: 'orphan' },
    { id: 'c', parent: 'd', service: 's', name: 'c' },
    { id: 'd', parent: 'c', service: 's', name: 'd' },
  ]);
  assert.deepEqual(
    roots(trace).map((s) => s.spanId),
    ['a', 'b'],
  );
  assert.deepEqual(
    orphans(trace).map((s) => s.spanId),
    ['b'],
  );
  assert.deepEqual(
    ancestors(trace, 'c').map((s) => s.spanId),
    ['d'],
  );
  assert.match(formatTree(trace), /  s {2}d /, 'spans in a cycle are still printed');
});

test('the tree indents children under parents and marks errors, orphans and events', () => {
  const trace = traceOf([
    { id: 'a', service: 'gateway', name: 'GET /api/orders/:id', kind: 'server' },
    {
      id: 'b',
      parent: 'a',
      service: 'gateway',
      name: 'GET',
      kind: 'client',
      tags: { error: true },
      events: [{ name: 'exception', attributes: { 'exception.message': 'boom\nstack' } }],
    },
    { id: 'c', parent: 'missing', service: 'orders', name: 'GET /orders/:id', kind: 'server' },
  ]);
  const lines = formatTree(trace).split('\n');
  assert.match(lines[0] ?? '', /^trace ab8c27daadf31dc8c0ad878d8de677c1: 3 spans, services gateway, orders$/);
  assert.match(lines[1] ?? '', /^ {2}gateway {2}GET \/api\/orders\/:id {2}\[server\] {2}500µs$/);
  assert.match(lines[2] ?? '', /^ {4}gateway {2}GET {2}\[client\] {2}500µs {2}ERROR$/);
  assert.equal(lines[3], '      • exception: boom');
  assert.match(lines[4] ?? '', /^ {2}orders {2}GET \/orders\/:id .*ORPHAN \(parent missing missing\)$/);
});

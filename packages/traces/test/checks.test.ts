import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMissingServices, checkOrphanSpans, checkSplitTraces, countByCheck, runChecks } from '../src/checks';
import {
  completeOrderSpans,
  grpcSpan,
  httpClient,
  httpServer,
  kafka,
  ORDER_ID,
  OTHER_TRACE_ID,
  traceOf,
  TRACE_ID,
  withTags,
  type SpanSpec,
} from './fixtures';

const without = (specs: SpanSpec[], ...services: string[]): SpanSpec[] => specs.filter((s) => !services.includes(s.service));

test('a complete, well-instrumented order trace has no findings at all', () => {
  assert.deepEqual(runChecks([traceOf(completeOrderSpans())]), []);
});

test('a span whose parent is not in the trace is an orphan', () => {
  const specs = completeOrderSpans().map((s) => (s.id === 'c1' ? { ...s, parent: 'ffffffffffffffff' } : s));
  const findings = checkOrphanSpans(traceOf(specs));
  assert.equal(findings.length, 1);
  assert.deepEqual(
    { ...findings[0], message: undefined },
    { check: 'orphan-span', traceId: TRACE_ID, spanId: 'c1', service: 'inventory', message: undefined },
  );
  assert.match(findings[0]?.message ?? '', /POST \/reservations.*ffffffffffffffff/);
});

test('a trace that starts at a Kafka consumer span is split: context was lost at the topic', () => {
  const fragment = traceOf([kafka('e1', undefined, 'fulfillment', 'process', 'orders.placed')], OTHER_TRACE_ID);
  const findings = checkSplitTraces([fragment]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.traceId, OTHER_TRACE_ID);
  assert.equal(findings[0]?.spanId, 'e1');
  assert.match(findings[0]?.message ?? '', /consumer span "process orders.placed"/);
});

test('an outbox relay send with no parent is a split trace', () => {
  const findings = checkSplitTraces([traceOf([kafka('r1', undefined, 'orders', 'send', 'orders.placed')])]);
  assert.equal(findings.length, 1);
  assert.match(findings[0]?.message ?? '', /producer span "send orders.placed"/);
});

test("payments' gRPC server span starting a trace of its own is a split at the gRPC hop, seen from both sides", () => {
  // What a lost grpc-trace context looks like: orders' call answered with no server span under it,
  // and payments' span, about the same order, the root of another trace.
  const head = traceOf(completeOrderSpans().filter((s) => s.id !== 'd1'));
  const tail = traceOf([withTags(grpcSpan('d1', undefined, 'payments', 'server', 'Charge'), { 'order.id': ORDER_ID })], OTHER_TRACE_ID);
  const findings = checkSplitTraces([head, tail]);
  assert.deepEqual(
    findings.map((f) => [f.traceId, f.spanId]),
    [
      [OTHER_TRACE_ID, undefined],
      [TRACE_ID, 'b5'],
    ],
  );
  assert.match(
    findings[0]!.message,
    /gRPC server span "grpc.hoptrace.payments.v1.Payments\/Charge" in payments: the caller's context was lost at the gRPC hop/,
  );
  assert.match(
    findings[1]!.message,
    /gRPC call "grpc.hoptrace.payments.v1.Payments\/Charge" from orders was answered, but no server span is under it/,
  );
});

test('a gRPC call that failed before an answer (UNAVAILABLE) needs no server span under it', () => {
  const refused = completeOrderSpans()
    .filter((s) => s.id !== 'd1')
    .map((s) => (s.id === 'b5' ? grpcSpan('b5', 'b2', 'orders', 'client', 'Charge', 14) : s));
  assert.deepEqual(checkSplitTraces([traceOf(refused)]), []);
});

test('one order spread over two traces is reported once, on the later trace', () => {
  const all = completeOrderSpans();
  const cut = all.findIndex((s) => s.id === 'e1');
  const head = traceOf(all.slice(0, cut), TRACE_ID);
  // A consumer that failed to extract the context, then a manual span that set order.id under a new root.
  const tail = traceOf([{ id: 'z1', service: 'fulfillment', name: 'ship order', tags: { 'order.id': ORDER_ID } }], OTHER_TRACE_ID);
  const findings = checkSplitTraces([head, tail]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.traceId, OTHER_TRACE_ID);
  assert.match(findings[0]?.message ?? '', new RegExp(`order ${ORDER_ID} started in trace ${TRACE_ID}`));
});

test('reading an order in its own trace is not a split', () => {
  const read = traceOf(
    [
      httpServer('g1', undefined, 'gateway', 'GET', '/api/orders/:id'),
      { id: 'g2', parent: 'g1', service: 'orders', name: 'router - /orders/:id', tags: { 'order.id': ORDER_ID } },
    ],
    OTHER_TRACE_ID,
  );
  assert.deepEqual(checkSplitTraces([traceOf(completeOrderSpans()), read]), []);
});

test('a completed order trace without notifications misses that service', () => {
  // orders.notified was consumed (so the order completed) but the notifications spans never arrived.
  const findings = checkMissingServices([traceOf(without(completeOrderSpans(), 'notifications'))]);
  assert.deepEqual(
    findings.map((f) => [f.check, f.service]),
    [['missing-service', 'notifications']],
  );
});

test('an order that did not complete is not held to the full list by default', () => {
  const declined = completeOrderSpans().filter((s) => !['e', 'f'].includes(s.id[0] ?? '') && !['b6', 'b7', 'b8'].includes(s.id));
  assert.deepEqual(checkMissingServices([traceOf(declined)]), []);
});

test('an explicit expected list applies to every order trace, finished or not', () => {
  const declined = without(completeOrderSpans(), 'fulfillment', 'notifications', 'payments');
  const findings = checkMissingServices([traceOf(declined)], {
    expectedServices: ['gateway', 'orders', 'inventory', 'payments'],
  });
  assert.deepEqual(
    findings.map((f) => f.service),
    ['payments'],
  );
});

test('the browser is expected only when asked for', () => {
  const trace = traceOf(completeOrderSpans());
  assert.deepEqual(checkMissingServices([trace]), []);
  assert.deepEqual(
    checkMissingServices([trace], { expectBrowser: true }).map((f) => f.service),
    ['storefront'],
  );
});

test('an order completed in a later fragment still holds the first trace to every service', () => {
  const all = completeOrderSpans();
  const cut = all.findIndex((s) => s.id === 'e1');
  const head = traceOf(all.slice(0, cut), TRACE_ID);
  const tail = traceOf(
    all.slice(cut).map((s) => (s.id === 'e1' ? { ...s, parent: undefined } : s)),
    OTHER_TRACE_ID,
  );
  const findings = runChecks([head, tail]);
  const missingInHead = findings.filter((f) => f.check === 'missing-service' && f.traceId === TRACE_ID).map((f) => f.service);
  assert.deepEqual(missingInHead, ['fulfillment', 'notifications']);
  assert.equal(countByCheck(findings)['split-trace'], 1);
});

test('traces without an order id are not checked for services', () => {
  const health = traceOf([httpServer('h1', undefined, 'gateway', 'GET', '/health')]);
  assert.deepEqual(checkMissingServices([health]), []);
});

test('countByCheck counts every check, zero included', () => {
  const counts = countByCheck(checkOrphanSpans(traceOf([httpClient('x', 'nope', 'gateway', 'GET', 'http://h/')])));
  assert.deepEqual(counts, {
    'orphan-span': 1,
    'split-trace': 0,
    'missing-service': 0,
    'missing-attribute': 0,
    'personal-data': 0,
  });
});

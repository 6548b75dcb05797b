import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderTrace } from '@hoptrace/contracts';
import type { Trace, TraceSpan } from '@hoptrace/traces';
import { toTraceView } from '../src/order-trace';

const span = (over: Partial<TraceSpan>): TraceSpan => ({
  traceId: 't',
  spanId: 's',
  links: [],
  service: 'gateway',
  name: 'POST /api/orders',
  kind: 'server',
  startUs: 0,
  durationUs: 10,
  attributes: {},
  events: [],
  ...over,
});

test("toTraceView gives offsets from the trace's first span, kinds, errors, attributes and events, in the contract's shape", () => {
  const trace: Trace = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spans: [
      span({
        spanId: 'b',
        parentSpanId: 'a',
        service: 'orders',
        name: 'POST /orders',
        startUs: 1_000_250,
        durationUs: 500,
        attributes: { 'span.kind': 'server', 'otel.status_code': 'ERROR', 'order.id': 'o1' },
        events: [{ name: 'fault.injected', timeUs: 1_000_300, attributes: { 'fault.kind': 'error' } }],
      }),
      span({ spanId: 'a', startUs: 1_000_000, durationUs: 2000, attributes: { 'span.kind': 'server', 'http.response.status_code': 201 } }),
      span({ spanId: 'c', parentSpanId: 'a', name: 'reserve stock', kind: 'unspecified', startUs: 1_000_100, durationUs: 50 }),
    ],
  };
  const view = toTraceView(trace);
  assert.deepEqual(OrderTrace.parse(view), view, "the contract's shape, nothing more");
  assert.equal(view.traceId, trace.traceId);
  const [b, a, c] = view.spans;
  assert.deepEqual(b, {
    spanId: 'b',
    parentSpanId: 'a',
    service: 'orders',
    name: 'POST /orders',
    kind: 'server',
    startOffsetUs: 250,
    durationUs: 500,
    error: true,
    attributes: { 'otel.status_code': 'ERROR', 'order.id': 'o1' },
    events: [{ name: 'fault.injected', offsetUs: 300, attributes: { 'fault.kind': 'error' } }],
  });
  assert.equal(a!.startOffsetUs, 0);
  assert.equal('parentSpanId' in a!, false, 'a root names no parent');
  assert.equal(a!.error, false);
  assert.equal('kind' in c!, false, 'an unspecified kind is left out');
  assert.ok(
    view.spans.every((s) => !('span.kind' in s.attributes)),
    'span.kind is the kind, not an attribute',
  );
});

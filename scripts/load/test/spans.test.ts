import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trace, TraceSpan } from '@hoptrace/traces';
import { compareSpans, hopGaps, statementCount, transportSpans } from '../spans';

let id = 0;
const span = (
  service: string,
  name: string,
  kind: TraceSpan['kind'],
  startMs: number,
  durationMs: number,
  parent?: TraceSpan,
  attributes: TraceSpan['attributes'] = {},
): TraceSpan => ({
  traceId: 't',
  spanId: String(++id),
  parentSpanId: parent?.spanId,
  links: [],
  service,
  name,
  kind,
  startUs: startMs * 1000,
  durationUs: durationMs * 1000,
  attributes,
  events: [],
});

function order(): Trace {
  const server = span('orders', 'POST /orders', 'server', 0, 20);
  const commit = span('orders', 'pg.query:COMMIT orders', 'client', 10, 2, server, { 'db.system': 'postgresql' });
  const send = span('orders', 'send orders.placed', 'producer', 30, 5, server);
  const process = span('fulfillment', 'process orders.placed', 'consumer', 90, 10, send);
  return { traceId: 't', spans: [server, commit, send, process] };
}

test('the hop gaps of an order: outbox relay from its COMMIT, a Kafka hop from send start to process start', () => {
  const gaps = hopGaps(order());
  assert.equal(gaps['outbox relay'], 18);
  assert.equal(gaps['orders.placed → fulfillment'], 60);
  assert.equal(gaps['send orders.placed (produce, acks=all)'], 5);
  assert.equal(gaps['whole trace'], 100);
});

test('database statements are counted apart from the transport spans a trace is held to', () => {
  const trace = order();
  assert.deepEqual(transportSpans(trace), { orders: 2, fulfillment: 1 });
  assert.equal(statementCount(trace), 1);
});

test('a trace lacking the consumer span of a clean order is short in that service', () => {
  const expected = transportSpans(order());
  const short = order();
  short.spans.pop();
  assert.deepEqual(compareSpans(short, expected), { missing: { fulfillment: 1 }, extra: {} });
  const retried = order();
  retried.spans.push(span('orders', 'send orders.placed', 'producer', 40, 5));
  assert.deepEqual(compareSpans(retried, expected), { missing: {}, extra: { orders: 1 } });
});

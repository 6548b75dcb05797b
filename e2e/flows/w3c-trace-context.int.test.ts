import { Topics, type CreatedOrder } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outboxHeadersOf, readTopic } from '../support/data';
import { api, clientParentEmail, orderRequest, waitForOrder } from '../support/shop';

/**
 * W3C Trace Context Level 2 across hoptrace's own hops. The W3C suite (`npm run test:w3c`, in npm
 * test) checks the gateway alone: what it receives and what its next request carries. This checks
 * what the suite cannot see, that the same rules hold on every hop after it: gateway → orders over
 * HTTP, the outbox row the relay sends from, orders.placed over Kafka, and fulfillment's
 * orders.shipped after consuming it (https://www.w3.org/TR/trace-context-2/#random-trace-id-flag,
 * #mutating-the-tracestate-field).
 */
const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const P = '00f067aa0ba902b7';
// A Level 2 key (@ inside, not a Level 1 tenant@system), and a duplicate the gateway drops.
const TRACESTATE = 'congo=t61rcWkgMzE,foo@@bar=1,congo=duplicate';
const TRACESTATE_KEPT = 'congo=t61rcWkgMzE,foo@@bar=1';

const flagsOf = (traceparent: string | null | undefined) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent ?? '');

/** A hop's traceparent and, for a request or a message (a response has none), its tracestate. */
interface Hop {
  hop: string;
  traceparent: string | null | undefined;
  tracestate?: { value: string | undefined };
}

/** Places an order continuing the caller's trace and returns the traceparent and tracestate of every hop. */
async function hopsOf(flags: string): Promise<Hop[]> {
  const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: clientParentEmail('w3c') }), {
    traceparent: `00-${T}-${P}-${flags}`,
    tracestate: TRACESTATE,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.traceId, T, 'the order continues the caller trace');
  const order = await waitForOrder(res.body.id, ['completed', 'failed'], 60_000);
  assert.equal(order.status, 'completed', order.failureReason);
  const outbox = await outboxHeadersOf(order.id);
  const [placed] = await readTopic(Topics.orderPlaced, [order.id]);
  const [shipped] = await readTopic(Topics.orderShipped, [order.id]);
  return [
    { hop: 'traceresponse (gateway)', traceparent: res.headers.get('traceresponse') },
    { hop: 'outbox row (orders, from the gateway over HTTP)', traceparent: outbox?.traceparent, tracestate: { value: outbox?.tracestate } },
    {
      hop: `${Topics.orderPlaced} (orders, relayed over Kafka)`,
      traceparent: placed?.headers.traceparent,
      tracestate: { value: placed?.headers.tracestate },
    },
    {
      hop: `${Topics.orderShipped} (fulfillment, after consuming it)`,
      traceparent: shipped?.headers.traceparent,
      tracestate: { value: shipped?.headers.tracestate },
    },
  ];
}

for (const [flags, meaning] of [
  ['03', 'sampled, random trace-id'],
  ['01', 'sampled, trace-id not said to be random'],
] as const)
  void test(`a caller's traceparent -${flags} (${meaning}) and Level 2 tracestate keep their rules on every hop`, async () => {
    for (const { hop, traceparent, tracestate } of await hopsOf(flags)) {
      const sent = flagsOf(traceparent);
      assert.ok(sent, `${hop}: a version-00 traceparent, got ${traceparent}`);
      assert.equal(sent[1], T, `${hop}: the caller's trace-id`);
      assert.notEqual(sent[2], P, `${hop}: a parent-id of hoptrace's own`);
      assert.equal(sent[3], flags, `${hop}: the caller's flags (the random flag MUST go on as it came in)`);
      if (tracestate) assert.equal(tracestate.value, TRACESTATE_KEPT, `${hop}: tracestate`);
    }
  });

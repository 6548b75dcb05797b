import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import type { Delivery } from '@hoptrace/kit';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import pino from 'pino';
import { FaultAdmission } from '../src/admission';
import { crashFaults, CRASH_EXIT_CODE } from '../src/crash';
import { consumerFaults, withPoisonFaults } from '../src/kafka';
import { installTelemetry } from './otel-harness';

installTelemetry();
const admission = new FaultAdmission('a-test-admin-token-of-some-length');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const delivery: Delivery = { groupId: 'fulfillment', topic: 'orders.placed', partition: 1, offset: '42', headers: {} };

/** A context in a trace whose fault entries the gateway signed (or not). */
function faulted(entries: Record<string, string>, signed = true): Context {
  const baggage = propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }])));
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return propagation.setBaggage(ctx, signed ? admission.sign(baggage, TRACE) : baggage);
}
const inSpan = <T>(ctx: Context, work: () => Promise<T>) =>
  context.with(ctx, () => trace.getTracer('t').startActiveSpan('process orders.placed', (span) => work().finally(() => span.end())));

test('consumer error: every attempt throws before the handler runs', async () => {
  const faults = consumerFaults(admission, 'fulfillment');
  let handled = 0;
  for (const attempt of [1, 2]) {
    await assert.rejects(
      inSpan(faulted({ 'hoptrace.fault.fulfillment': 'error' }), () =>
        faults.aroundAttempt!(delivery, attempt, async () => {
          handled++;
        }),
      ),
      /injected error in fulfillment/,
    );
  }
  assert.equal(handled, 0);
});

test('consumer latency holds the message before the first attempt only; faults for others, unsigned ones or another route do nothing', async () => {
  const faults = consumerFaults(admission, 'fulfillment');
  const timed = async (ctx: Context, attempt: number) => {
    const started = Date.now();
    let handled = false;
    await inSpan(ctx, () =>
      faults.aroundAttempt!(delivery, attempt, async () => {
        handled = true;
      }),
    );
    assert.ok(handled);
    return Date.now() - started;
  };
  assert.ok((await timed(faulted({ 'hoptrace.fault.fulfillment': 'latency:120' }), 1)) >= 110);
  assert.ok((await timed(faulted({ 'hoptrace.fault.fulfillment': 'latency:120' }), 2)) < 100, 'retries are not delayed again');
  assert.ok((await timed(faulted({ 'hoptrace.fault.notifications': 'latency:500' }), 1)) < 100, 'aimed elsewhere');
  assert.ok((await timed(faulted({ 'hoptrace.fault.fulfillment': 'latency:500' }, false), 1)) < 100, 'unsigned');
  assert.ok(
    (await timed(faulted({ 'hoptrace.fault.fulfillment': 'latency:500', 'hoptrace.fault.fulfillment.route': 'orders.shipped' }), 1)) < 100,
    'another topic',
  );
});

test('aroundMessage strips unsigned fault entries from the context the message is handled in', async () => {
  let seen: string[] = [];
  await context.with(faulted({ 'hoptrace.fault.fulfillment': 'error', tenant: 'acme' }, false), () =>
    consumerFaults(admission).aroundMessage!(delivery, async () => {
      seen = (propagation.getBaggage(context.active())?.getAllEntries() ?? []).map(([k]) => k);
    }),
  );
  assert.deepEqual(seen, ['tenant']);
});

test('poison: while the work carries it, every message produced is malformed; otherwise messages pass untouched', async () => {
  const sent: ProducerRecord[] = [];
  const sender = withPoisonFaults(
    'orders',
    {
      send: async (r): Promise<RecordMetadata[]> => {
        sent.push(r);
        return [];
      },
    },
    admission,
  );
  const record = { topic: 'orders.placed', messages: [{ key: 'k', value: '{"ok":true}' }] };
  await context.with(faulted({ 'hoptrace.fault.orders': 'poison' }), () => sender.send(record));
  await context.with(faulted({ 'hoptrace.fault.orders': 'poison' }, false), () => sender.send(record));
  assert.deepEqual(
    sent.map((r) => r.messages[0]!.value),
    ['{"poisoned": tr', '{"ok":true}'],
  );
});

test('crash: exits with 70 at the checkpoint, once per message (the marks), never without the fault', async () => {
  const exits: number[] = [];
  const keys = new Set<string>();
  const checkpoint = crashFaults({
    service: 'fulfillment',
    admission,
    logger: pino({ level: 'silent' }),
    exit: (code) => {
      exits.push(code);
    },
    marks: { markOnce: async (key) => !keys.has(key) && !!keys.add(key) },
  });
  await inSpan(faulted({ 'hoptrace.fault.fulfillment': 'crash' }), () => checkpoint(delivery)('shipment recorded'));
  await inSpan(faulted({ 'hoptrace.fault.fulfillment': 'crash' }), () => checkpoint(delivery)('shipment recorded'));
  await inSpan(faulted({ 'hoptrace.fault.fulfillment': 'crash' }, false), () =>
    checkpoint({ ...delivery, offset: '43' })('shipment recorded'),
  );
  await inSpan(faulted({}), () => checkpoint({ ...delivery, offset: '44' })('shipment recorded'));
  assert.deepEqual(exits, [CRASH_EXIT_CODE], 'the redelivery of offset 42 is not crashed again; no fault, no crash');
  assert.deepEqual([...keys], ['fulfillment/orders.placed/1/42']);
});

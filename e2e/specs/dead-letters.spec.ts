import { DlqHeaders, dlqOf, KAFKA_HOPS, TOPICS, Topics, type CreatedOrder } from '@hoptrace/contracts';
import { randomUUID } from 'node:crypto';
import { expect, test } from '../support/fixtures';
import { notificationCount, outboxOf, readTopic, shipmentCount } from '../support/data';
import { faultHeaders, orderRequest, placeOrder, uniqueEmail, waitForOrder } from '../support/shop';
import { kafka } from '../support/stack';

const PLACED_DLQ = dlqOf(Topics.orderPlaced);
const send = (service: string, topic: string) => ({ service, name: `send ${topic}`, kind: 'producer' as const });
const processing = (service: string, topic: string) => ({ service, name: `process ${topic}`, kind: 'consumer' as const });

async function placePaidOrder(faults: Record<string, string>, tag: string): Promise<CreatedOrder> {
  const res = await placeOrder(orderRequest({ email: uniqueEmail(tag) }), faultHeaders(faults));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.status).toBe('paid');
  return res.body;
}

test.describe('dead letters', () => {
  test('a poisoned OrderPlaced is dead-lettered at once and the order fails with the reason', async ({ traces }) => {
    const order = await placePaidOrder({ orders: 'poison' }, 'poison');
    traces.track(order.traceId, 'poisoned order');

    // The user sees the order fail, with a reason, once fulfillment gave up on its message.
    const failed = await waitForOrder(order.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe('orders.placed could not be processed: value is not JSON');

    // The topics: the malformed message on orders.placed, once, and its dead letter, once, with no retries.
    const placed = await readTopic(Topics.orderPlaced, [order.id]);
    expect(placed.map((m) => m.value)).toEqual(['{"poisoned": tr']);
    const dead = await readTopic(PLACED_DLQ, [order.id]);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers).toMatchObject({
      [DlqHeaders.error]: 'value is not JSON',
      [DlqHeaders.attempts]: '0',
      [DlqHeaders.originalTopic]: Topics.orderPlaced,
      [DlqHeaders.consumer]: 'fulfillment',
    });
    expect(dead[0]!.headers.traceparent, 'the dead letter keeps the trace context').toContain(order.traceId);

    // The trace: send, failed process (dead-lettered, not retried), the dead-letter send and its consumer in orders.
    const trace = await traces.waitFor(order.traceId, {
      describe: 'the dead letter consumed by orders',
      spans: [
        send('orders', Topics.orderPlaced),
        processing('fulfillment', Topics.orderPlaced),
        send('fulfillment', PLACED_DLQ),
        processing('orders', PLACED_DLQ),
      ],
    });
    await expect(trace).toHaveNoOrphanSpans();
    await expect(trace).toHaveSpan(
      {
        ...processing('fulfillment', Topics.orderPlaced),
        status: 'ERROR',
        attributes: { 'hoptrace.dead_lettered': true },
        event: 'exception',
      },
      1,
    );
    await expect(trace).not.toHaveSpan({ ...processing('fulfillment', Topics.orderPlaced), event: 'retry' });
    await expect(trace).toHaveAncestor(processing('fulfillment', Topics.orderPlaced), send('orders', Topics.orderPlaced));
    await expect(trace).toHaveAncestor(send('fulfillment', PLACED_DLQ), processing('fulfillment', Topics.orderPlaced));
    await expect(trace).toHaveAncestor(processing('orders', PLACED_DLQ), send('fulfillment', PLACED_DLQ));
    await expect(trace).not.toHaveSpan({ name: `send ${Topics.orderShipped}` });

    // The data: the poisoned order was never shipped nor notified; its outbox row went out once.
    expect(await outboxOf(order.id)).toEqual([{ topic: Topics.orderPlaced, sent: true }]);
    expect(await shipmentCount(order.id)).toBe(0);
    expect(await notificationCount(order.id)).toBe(0);
  });

  test('the poisoned send is marked in the trace with a fault.injected event', async ({ traces }) => {
    const order = await placePaidOrder({ orders: 'poison' }, 'poison-event');
    const trace = await traces.waitFor(order.traceId, {
      describe: 'the poisoned message sent and dead-lettered',
      spans: [send('orders', Topics.orderPlaced), send('fulfillment', PLACED_DLQ)],
    });
    // Issue 5: "Every injected fault is visible in its trace as a span event fault.injected".
    await expect(trace).toHaveSpan({
      service: 'orders',
      event: { name: 'fault.injected', attributes: { 'fault.kind': 'poison', 'fault.target': 'orders' } },
    });
  });

  test('a consumer that keeps failing retries five times with backoff, then dead-letters and the order fails', async ({ traces }) => {
    const order = await placePaidOrder({ fulfillment: 'error' }, 'consumer-error');
    traces.track(order.traceId, 'consumer-error order');

    const failed = await waitForOrder(order.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe('orders.placed could not be processed: injected error in fulfillment');

    const dead = await readTopic(PLACED_DLQ, [order.id]);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers).toMatchObject({
      [DlqHeaders.attempts]: '5',
      [DlqHeaders.error]: 'injected error in fulfillment',
      [DlqHeaders.originalTopic]: Topics.orderPlaced,
    });

    const trace = await traces.waitFor(order.traceId, {
      describe: 'the dead letter consumed by orders',
      spans: [processing('fulfillment', Topics.orderPlaced), send('fulfillment', PLACED_DLQ), processing('orders', PLACED_DLQ)],
    });
    await expect(trace).toHaveNoOrphanSpans();
    // One delivery, handled in one process span: five attempts, each with its injected fault and its retry event.
    const [span, ...others] = trace.spans.filter((s) => s.service === 'fulfillment' && s.name === `process ${Topics.orderPlaced}`);
    expect(others, 'one delivery of the message').toEqual([]);
    expect(span!.events.filter((e) => e.name === 'retry').map((e) => e.attributes['hoptrace.attempt'])).toEqual([1, 2, 3, 4, 5]);
    expect(span!.events.filter((e) => e.name === 'fault.injected')).toHaveLength(5);
    expect(span!.attributes['hoptrace.dead_lettered']).toBe(true);
    // Exponential backoff (200, 400, 800, 1600 ms) between the attempts.
    const retries = span!.events.filter((e) => e.name === 'retry').map((e) => e.timeUs);
    const gapsMs = retries.slice(1).map((t, i) => (t - retries[i]!) / 1000);
    gapsMs.forEach((gap, i) =>
      expect(gap, `gap after attempt ${i + 1}: ${gapsMs.join(', ')} ms`).toBeGreaterThanOrEqual(200 * 2 ** i * 0.9),
    );
    await expect(trace).toHaveAncestor(send('fulfillment', PLACED_DLQ), processing('fulfillment', Topics.orderPlaced));
    expect(await shipmentCount(order.id)).toBe(0);
  });

  test('a malformed message produced straight to each topic lands in its dead-letter topic at once, headers kept, and the consumers keep going', async () => {
    const producer = kafka('poison-test').producer();
    await producer.connect();
    const sent = new Map(TOPICS.map((topic) => [topic, { notJson: randomUUID(), wrongShape: randomUUID() }]));
    try {
      for (const [topic, keys] of sent) {
        await producer.send({
          topic,
          messages: [
            { key: keys.notJson, value: '{not json', headers: { 'test-marker': 'kept' } },
            { key: keys.wrongShape, value: JSON.stringify({ type: 'OrderPlaced', eventId: 'nope', schemaVersion: 7 }) },
          ],
        });
      }
    } finally {
      await producer.disconnect();
    }
    for (const [topic, { notJson, wrongShape }] of sent) {
      // Once by each consumer group that reads the topic (their group ids are the services' names),
      // each in its own time: read again until all of them are there.
      const consumers = [...KAFKA_HOPS.find((hop) => hop.topic === topic)!.consumers].sort();
      let dead: Awaited<ReturnType<typeof readTopic>> = [];
      const byConsumer = async () => {
        dead = await readTopic(dlqOf(topic), [notJson, wrongShape]);
        return dead
          .filter((m) => m.key === notJson)
          .map((m) => m.headers[DlqHeaders.consumer])
          .sort();
      };
      await expect.poll(byConsumer, { message: `${topic}: dead-lettered once by each consumer`, timeout: 30_000 }).toEqual(consumers);
      for (const m of dead.filter((d) => d.key === notJson)) {
        expect(m.headers).toMatchObject({
          [DlqHeaders.error]: 'value is not JSON',
          [DlqHeaders.attempts]: '0',
          [DlqHeaders.originalTopic]: topic,
          'test-marker': 'kept',
        });
      }
      expect(dead.find((m) => m.key === wrongShape)!.headers[DlqHeaders.error]).toMatch(/schema/);
    }
    const after = await placePaidOrder({}, 'after-poison');
    expect((await waitForOrder(after.id, ['completed', 'failed'])).status, 'the consumers kept going').toBe('completed');
  });
});

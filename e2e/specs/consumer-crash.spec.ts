import { Topics } from '@hoptrace/contracts';
import { isAncestor } from '@hoptrace/traces';
import { expect, test } from '../support/fixtures';
import { notificationCount, readTopic, reservationsOf, shipmentCount } from '../support/data';
import { faultHeaders, orderRequest, placeOrder, uniqueEmail, waitForOrder } from '../support/shop';
import { stack, stackStatus } from '../support/stack';
import { matchSpans } from '../support/traces';

const fulfillmentState = async () => (await stackStatus()).find((s) => s.name === 'fulfillment')?.state;

test('fulfillment crashing mid-message is restarted and the order ships exactly once', async ({ traces }) => {
  test.setTimeout(150_000);
  const res = await placeOrder(
    orderRequest({ email: uniqueEmail('crash'), items: [{ sku: 'STICKER-W3C', quantity: 3 }] }),
    faultHeaders({ fulfillment: 'crash' }),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const order = res.body;
  traces.track(order.traceId, 'crashed order');

  try {
    // The injected crash: fulfillment exits after recording the shipment, before publishing OrderShipped.
    await expect.poll(fulfillmentState, { message: 'fulfillment exited', timeout: 30_000 }).toBe('exited');
    expect((await waitForOrder(order.id, ['paid', 'shipped', 'completed', 'failed'])).status, 'nothing published before the crash').toBe(
      'paid',
    );
  } finally {
    if ((await fulfillmentState()) !== 'ready') await stack('start', 'fulfillment');
  }
  expect(await fulfillmentState()).toBe('ready');

  // After the restart the message is delivered again (after the group rebalances) and finishes the job once.
  const completed = await waitForOrder(order.id, ['completed', 'failed'], 90_000);
  expect(completed.status, completed.failureReason).toBe('completed');
  expect(completed.events.map((e) => e.type)).toEqual(['placed', 'paid', 'shipped', 'completed']);
  expect(await shipmentCount(order.id), 'one shipment').toBe(1);
  expect(await notificationCount(order.id), 'one notification').toBe(1);
  expect(await reservationsOf(order.id)).toEqual([{ status: 'committed' }]);
  expect(await readTopic(Topics.orderShipped, [order.id]), 'one OrderShipped').toHaveLength(1);
  expect(await readTopic(Topics.orderNotified, [order.id]), 'one OrderNotified').toHaveLength(1);

  // The trace: the redelivery that shipped the order, once...
  const processPlaced = { service: 'fulfillment', name: `process ${Topics.orderPlaced}`, kind: 'consumer' as const };
  const trace = await traces.waitFor(order.traceId, {
    describe: 'the redelivery and the order notified',
    spans: [
      { service: 'fulfillment', name: `send ${Topics.orderShipped}` },
      { service: 'orders', name: `process ${Topics.orderNotified}` },
    ],
    timeoutMs: 60_000,
  });
  await expect(trace).toHaveSpan({ service: 'fulfillment', name: `send ${Topics.orderShipped}` }, 1);
  await expect(trace).toHaveSpan({ service: 'notifications', name: `process ${Topics.orderShipped}` }, 1);
  await expect(trace).toHaveSpan({ service: 'orders', name: `process ${Topics.orderNotified}` }, 1);
  await expect(trace).toHaveAncestor(processPlaced, { service: 'orders', name: `send ${Topics.orderPlaced}` });
  await expect(trace).toHaveAncestor({ service: 'fulfillment', name: `send ${Topics.orderShipped}` }, processPlaced);
  const redelivery = matchSpans(trace, processPlaced).find((s) => !s.events.some((e) => e.name === 'process.crash'))!;
  expect(
    matchSpans(trace, { service: 'fulfillment', name: `send ${Topics.orderShipped}` }).filter((s) => isAncestor(trace, redelivery, s)),
    'OrderShipped was sent by the redelivery',
  ).toHaveLength(1);

  // ...and the crashed delivery, with its injected fault and the crash (soft: every check above still counts).
  const crashed = {
    ...processPlaced,
    event: { name: 'fault.injected', attributes: { 'fault.kind': 'crash', 'fault.target': 'fulfillment' } },
  };
  await expect.soft(trace, 'the crashed delivery shows fault.injected').toHaveSpan(crashed, 1);
  await expect.soft(trace, 'the crashed delivery shows process.crash').toHaveSpan({ ...processPlaced, event: 'process.crash' }, 1);
  const deliveries = matchSpans(trace, processPlaced);
  expect
    .soft(
      deliveries.map((s) => s.attributes['messaging.kafka.offset']),
      'the crashed delivery and the redelivery of the same offset',
    )
    .toEqual([redelivery.attributes['messaging.kafka.offset'], redelivery.attributes['messaging.kafka.offset']]);
  await expect.soft(trace).toHaveNoOrphanSpans();
});

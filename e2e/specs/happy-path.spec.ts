import { Topics } from '@hoptrace/contracts';
import { Payments } from '@hoptrace/contracts/payments-v1';
import { expect, test } from '../support/fixtures';
import { notificationCount, outboxHeadersOf, outboxOf, reservationsOf, shipmentCount } from '../support/data';
import { uniqueEmail, waitForOrder } from '../support/shop';
import { Storefront } from '../support/storefront';
import { KAFKA_HOPS, rpcSpan, SERVICES, traceIdsOfOrder } from '../support/traces';

test('an order placed in the storefront completes and its page shows one trace from the click to the last consumer', async ({
  page,
  traces,
}) => {
  const startedAt = Date.now();
  const shop = new Storefront(page);
  const email = uniqueEmail('happy');
  await shop.open();
  await shop.addToCart('MUG-01', 2);
  await shop.addToCart('STICKER-W3C');
  await shop.checkout(email);

  // What the shopper sees: the order page, the timeline reaching "completed", the waterfall.
  const orderId = await shop.orderIdOnPage();
  const traceId = await shop.traceIdOnPage();
  traces.track(traceId, 'order');
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  for (const step of ['placed', 'paid', 'shipped', 'completed']) {
    await expect(page.getByTestId(`timeline-step-${step}`)).toHaveAttribute('data-state', 'done');
  }
  await expect(page.getByTestId('timeline-step-failed')).toHaveCount(0);
  await expect(page.getByTestId('notifications-list').locator('li')).toHaveCount(1);
  const waterfall = page.getByTestId('trace-waterfall');
  await expect(waterfall).toHaveAttribute('data-state', 'ready');
  for (const service of ['storefront', ...SERVICES]) {
    await expect(waterfall.locator(`[data-testid="trace-span"][data-service="${service}"]`).first()).toBeVisible({ timeout: 45_000 });
  }
  // The three transports, labelled: gateway → orders over HTTP, orders → payments over gRPC, the events over Kafka.
  for (const [service, kind, transport] of [
    ['gateway', 'client', 'HTTP'],
    ['orders', 'server', 'HTTP'],
    ['orders', 'client', 'gRPC'],
    ['payments', 'server', 'gRPC'],
    ['orders', 'producer', 'Kafka'],
    ['fulfillment', 'consumer', 'Kafka'],
  ]) {
    await expect(
      waterfall
        .locator(`[data-testid="trace-span"][data-service="${service}"][data-kind="${kind}"][data-transport="${transport}"]`)
        .first(),
      `${service} ${kind} span labelled ${transport}`,
    ).toBeVisible();
  }

  // The trace: every service, both databases, all three Kafka hops, nothing orphaned.
  const trace = await traces.waitFor(traceId, {
    describe: 'the order to be notified, with the browser spans',
    services: ['storefront', ...SERVICES],
    spans: [
      { service: 'orders', name: 'process orders.notified', kind: 'consumer' },
      ...KAFKA_HOPS.flatMap((hop) => [
        { service: hop.producer, name: `send ${hop.topic}`, kind: 'producer' as const },
        ...hop.consumers.map((service) => ({ service, name: `process ${hop.topic}`, kind: 'consumer' as const })),
      ]),
    ],
    until: (t) => t.spans.every((s) => s.parentSpanId === undefined || t.spans.some((p) => p.spanId === s.parentSpanId)),
  });
  await expect(trace).toHaveNoOrphanSpans();
  await expect(trace).toHaveSpan({ service: 'storefront', name: 'submit order' });
  await expect(trace).toHaveSpan({
    service: 'gateway',
    name: 'POST /api/orders',
    kind: 'server',
    attributes: { 'http.response.status_code': 201 },
  });
  await expect(trace).toHaveSpan({
    service: 'orders',
    kind: 'client',
    attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'orders' },
  });
  await expect(trace).toHaveSpan({
    service: 'inventory',
    kind: 'client',
    attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'inventory' },
  });
  await expect(trace).toHaveAncestor({ service: 'gateway', name: 'POST /api/orders' }, { service: 'storefront' });
  // gateway → orders is HTTP; orders → payments is gRPC, payments' server span the child of orders' client span.
  await expect(trace).toHaveParent(
    { service: 'orders', name: 'POST /orders', kind: 'server' },
    { service: 'gateway', kind: 'client', attributes: { 'http.request.method': 'POST' } },
  );
  const chargeCall = rpcSpan(Payments.method.charge, 'client', { service: 'orders', code: 0 });
  await expect(trace).toHaveSpan(chargeCall, 1);
  await expect(trace).toHaveParent(
    rpcSpan(Payments.method.charge, 'server', { service: 'payments', code: 0, attributes: { 'order.id': orderId } }),
    chargeCall,
  );
  await expect(trace).toHaveAncestor(chargeCall, { service: 'orders', name: 'POST /orders', kind: 'server' });
  for (const hop of KAFKA_HOPS) {
    await expect(trace).toHaveSpan(
      {
        service: hop.producer,
        name: `send ${hop.topic}`,
        attributes: { 'messaging.system': 'kafka', 'messaging.kafka.message.key': orderId },
      },
      1,
    );
    for (const consumer of hop.consumers) {
      await expect(trace).toHaveSpan({ service: consumer, name: `process ${hop.topic}` }, 1);
      await expect(trace).toHaveAncestor(
        { service: consumer, name: `process ${hop.topic}` },
        { service: hop.producer, name: `send ${hop.topic}` },
      );
    }
  }
  expect(
    trace.spans.filter((s) => s.events.some((e) => e.name === 'fault.injected')),
    'no fault in a clean order',
  ).toEqual([]);
  // Exactly one trace carries this order's flow (the page's polling reads start traces of their own).
  await expect
    .poll(() => traceIdsOfOrder(orderId, startedAt), { message: 'traces carrying the order', timeout: 15_000 })
    .toEqual([traceId]);

  // The data: placed once, shipped once, notified once, stock committed.
  const order = await waitForOrder(orderId, ['completed']);
  expect(order.events.map((e) => e.type)).toEqual(['placed', 'paid', 'shipped', 'completed']);
  expect(order.traceId).toBe(traceId);
  expect(await outboxOf(orderId)).toEqual([{ topic: Topics.orderPlaced, sent: true }]);
  // The browser started the trace with a random trace-id and says so (W3C Trace Context Level 2's
  // random flag), and orders, two hops on, still sends it (the gateway's hop is checked in e2e/flows).
  expect((await outboxHeadersOf(orderId))?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-03$`));
  expect(await reservationsOf(orderId)).toEqual([{ status: 'committed' }]);
  expect(await shipmentCount(orderId)).toBe(1);
  expect(await notificationCount(orderId)).toBe(1);
});

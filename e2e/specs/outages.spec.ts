import { Topics, type CreatedOrder, type ErrorBody } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import {
  notificationCount,
  ordersByEmail,
  outboxOf,
  placedEventIdOf,
  readTopic,
  reservationsCreatedBetween,
  shipmentCount,
} from '../support/data';
import { orderRequest, placeOrder, products, uniqueEmail, waitForOrder } from '../support/shop';
import { stack, stackStatus } from '../support/stack';
import { auditTraces, describeFindings } from '../support/trace-audit';
import { SERVICES, traceIdsOfOrder } from '../support/traces';

/**
 * Infrastructure outages: Kafka, Postgres and Jaeger stopped and started again, and consumers
 * killed with SIGKILL, through the native runner. This file runs in the `outages` project, after every scenario and alone, since each test
 * takes shared infrastructure away. Whatever a test stops it starts again, even when it fails.
 */

async function ensureRunning(component: string): Promise<void> {
  const status = (await stackStatus()).find((s) => s.name === component);
  if (status?.state !== 'ready') await stack('start', component);
}

async function withStopped<T>(component: string, during: () => Promise<T>): Promise<T> {
  await stack('stop', component);
  try {
    return await during();
  } finally {
    await stack('start', component);
  }
}

/** Pids of the six services: recovery must happen without restarting any of them. */
const servicePids = async () =>
  Object.fromEntries((await stackStatus()).filter((s) => (SERVICES as readonly string[]).includes(s.name)).map((s) => [s.name, s.pid]));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

test.afterEach(async () => {
  for (const component of ['kafka', 'postgres', 'jaeger', ...SERVICES]) await ensureRunning(component);
});

test('orders placed while Kafka is down are accepted, delivered once it is back, none lost, each in one trace', async ({ traces }) => {
  test.setTimeout(240_000);
  const startedAt = Date.now();
  const pidsBefore = await servicePids();
  const accepted = await withStopped('kafka', async () => {
    const orders: CreatedOrder[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await placeOrder<CreatedOrder>(
        orderRequest({ email: uniqueEmail('kafka-down'), items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }),
      );
      expect(res.status, `accepted without Kafka: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.status).toBe('paid');
      traces.track(res.body.traceId, `kafka-down order ${i + 1}`);
      orders.push(res.body);
    }
    for (const order of orders)
      expect(await outboxOf(order.id), 'waits in the outbox').toEqual([{ topic: Topics.orderPlaced, sent: false }]);
    return orders;
  });

  for (const order of accepted) {
    const done = await waitForOrder(order.id, ['completed', 'failed'], 150_000);
    expect(done.status, done.failureReason).toBe('completed');
    expect(await outboxOf(order.id), 'relayed').toEqual([{ topic: Topics.orderPlaced, sent: true }]);
    expect(await shipmentCount(order.id)).toBe(1);
    expect(await notificationCount(order.id)).toBe(1);
  }
  // Sent once: the messages on the topic, counted by the event id each outbox row gave its OrderPlaced
  // (read to the end of the topic, so a second copy would be counted too).
  const placed = await readTopic(
    Topics.orderPlaced,
    accepted.map((o) => o.id),
  );
  const sentTimes = (eventId: string | undefined) =>
    placed.filter((m) => (JSON.parse(m.value) as { eventId?: string }).eventId === eventId).length;
  for (const order of accepted)
    expect(sentTimes(await placedEventIdOf(order.id)), `OrderPlaced of ${order.id} on ${Topics.orderPlaced}`).toBe(1);
  expect(placed.map((m) => m.key).sort(), 'one OrderPlaced per order, none twice').toEqual(accepted.map((o) => o.id).sort());

  for (const order of accepted) {
    const trace = await traces.waitFor(order.traceId, {
      describe: 'the order relayed after the outage and notified',
      services: SERVICES,
      spans: [
        { service: 'orders', name: `send ${Topics.orderPlaced}` },
        { service: 'orders', name: `process ${Topics.orderNotified}` },
      ],
    });
    // The relay sent it long after the request, still as a child of the request that wrote the outbox row.
    await expect(trace).toHaveAncestor(
      { service: 'orders', name: `send ${Topics.orderPlaced}` },
      { service: 'orders', name: 'POST /orders', kind: 'server' },
    );
    await expect(trace).toHaveAncestor(
      { service: 'fulfillment', name: `process ${Topics.orderPlaced}` },
      { service: 'orders', name: `send ${Topics.orderPlaced}` },
    );
    await expect(trace).toHaveNoOrphanSpans();
    expect(await traceIdsOfOrder(order.id, startedAt), 'one trace per order').toEqual([order.traceId]);
  }
  expect(await servicePids(), 'no service was restarted').toEqual(pidsBefore);
});

test('with Postgres down an order gets a prompt 503, leaves nothing behind, and orders work again once it is back', async ({
  traces,
}, testInfo) => {
  test.setTimeout(120_000);
  const pidsBefore = await servicePids();
  const email = uniqueEmail('postgres-down');
  const outageStart = new Date();
  const res = await withStopped('postgres', async () => {
    const attempt = await placeOrder<ErrorBody>(orderRequest({ email, items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }));
    await testInfo.attach('answer without Postgres', {
      body: `${attempt.status} in ${Math.round(attempt.ms)} ms: ${JSON.stringify(attempt.body)}`,
      contentType: 'text/plain',
    });
    return attempt;
  });
  const outageEnd = new Date();
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  expect(res.body.error.message).toMatch(/database/);
  expect(res.ms, 'answered promptly, within the gateway budget').toBeLessThan(5_000);

  // No partial order: nothing was written for this attempt, no stock was reserved during the outage.
  expect(await ordersByEmail(email)).toEqual([]);
  expect(await reservationsCreatedBetween(outageStart, outageEnd)).toBe(0);

  // Recovery without restarting a service: the next order goes through and completes.
  const next = await placeOrder<CreatedOrder>(
    orderRequest({ email: uniqueEmail('postgres-back'), items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }),
  );
  traces.track(next.body.traceId, 'order after Postgres returned');
  expect(next.status, JSON.stringify(next.body)).toBe(201);
  const done = await waitForOrder(next.body.id, ['completed', 'failed'], 60_000);
  expect(done.status, done.failureReason).toBe('completed');
  const trace = await traces.waitFor(next.body.traceId, {
    describe: 'the order notified',
    services: SERVICES,
    spans: [{ service: 'orders', name: `process ${Topics.orderNotified}` }],
  });
  await expect(trace).toHaveNoOrphanSpans();
  expect(await servicePids(), 'no service was restarted').toEqual(pidsBefore);
});

test('with Jaeger down orders keep flowing (latency up and down printed), and spans produced after it returns arrive', async ({
  traces,
}, testInfo) => {
  test.setTimeout(180_000);
  // Alternating phases (up, down, twice) so that drift on this shared 2-core machine (JIT,
  // caches, background consumers) falls on both sides of the printed figure alike.
  const SAMPLES = 12;
  const WARM_UP = 3;
  const measure = async (tag: string): Promise<{ ms: number[]; ids: string[] }> => {
    const ms: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail(tag), items: [{ sku: 'MUG-01', quantity: 1 }] }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      if (i >= WARM_UP) {
        ms.push(res.ms);
        ids.push(res.body.id);
      }
      // One order at a time, each through to completed: the previous order's Kafka work would
      // otherwise share the two cores with the next request and swamp the comparison.
      expect((await waitForOrder(res.body.id, ['completed', 'failed'], 30_000)).status, 'orders kept flowing').toBe('completed');
    }
    return { ms, ids };
  };

  const up = { ms: [] as number[], ids: [] as string[] };
  const down = { ms: [] as number[], ids: [] as string[] };
  for (let phase = 0; phase < 2; phase++) {
    const a = await measure('jaeger-up');
    const b = await withStopped('jaeger', () => measure('jaeger-down'));
    up.ms.push(...a.ms);
    up.ids.push(...a.ids);
    down.ms.push(...b.ms);
    down.ids.push(...b.ids);
  }
  const figures = {
    samples: up.ms.length,
    medianMsJaegerUp: Number(median(up.ms).toFixed(1)),
    medianMsJaegerDown: Number(median(down.ms).toFixed(1)),
    ratio: Number((median(down.ms) / median(up.ms)).toFixed(3)),
  };
  console.log(`POST /api/orders latency, ${up.ms.length} sequential orders each side: ${JSON.stringify(figures)}`);
  await testInfo.attach('latency with Jaeger up and down', {
    body: JSON.stringify({ ...figures, up: up.ms, down: down.ms }, null, 2),
    contentType: 'application/json',
  });
  // The ratio is a figure to read (printed and attached), not an assertion: hoptrace keeps figures in
  // benchmarks, never in timed tests, and on two shared cores it moved from 0.84 idle to 1.16 at load 8.
  // What the test holds is that every order with Jaeger down was accepted and completed.
  for (const id of down.ids)
    expect((await waitForOrder(id, ['completed', 'failed'], 60_000)).status, 'orders kept flowing').toBe('completed');

  // Jaeger is back: a new order's spans, all produced after its return, arrive as one complete trace.
  const after = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('jaeger-back') }));
  expect(after.status).toBe(201);
  expect((await waitForOrder(after.body.id, ['completed', 'failed'])).status).toBe('completed');
  const trace = await traces.waitFor(after.body.traceId, {
    describe: 'the order after Jaeger returned, notified',
    services: SERVICES,
    spans: [
      { service: 'gateway', name: 'POST /api/orders' },
      { service: 'orders', name: `process ${Topics.orderNotified}` },
    ],
    timeoutMs: 60_000,
  });
  await expect(trace).toHaveNoOrphanSpans();
});

for (const consumer of ['fulfillment', 'notifications']) {
  test(`${consumer} killed with SIGKILL mid-stream: after its restart every order ships and is notified exactly once`, async ({
    traces,
  }) => {
    test.setTimeout(300_000);
    const sku = 'STICKER-W3C';
    const stockBefore = (await products()).get(sku)!.stock;
    const placeMany = async (count: number, tag: string): Promise<CreatedOrder[]> => {
      const orders: CreatedOrder[] = [];
      for (let i = 0; i < count; i++) {
        const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail(tag), items: [{ sku, quantity: 1 }] }));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        traces.track(res.body.traceId, `${tag} ${i + 1}`);
        orders.push(res.body);
      }
      return orders;
    };
    const first = await placeMany(8, `${consumer}-before-kill`);
    // SIGKILL loses whatever spans the process had not exported yet; the first orders' traces are
    // awaited whole first, so the kill only interrupts the stream, not their evidence.
    for (const o of first) await waitForOrder(o.id, ['completed'], 30_000);
    const before = await auditTraces(
      first.map((o) => o.traceId),
      30_000,
    );
    expect(before.findings, describeFindings(before.findings)).toEqual([]);
    await stack('kill', consumer);
    const during = await placeMany(8, `${consumer}-while-dead`);
    await stack('start', consumer);
    const after = await placeMany(4, `${consumer}-after-restart`);
    const ids = [...first, ...during, ...after].map((o) => o.id);
    for (const id of ids) {
      const order = await waitForOrder(id, ['completed', 'failed'], 90_000);
      expect(order.status, `${id}: ${order.failureReason}`).toBe('completed');
      expect(order.events.map((e) => e.type)).toEqual(['placed', 'paid', 'shipped', 'completed']);
    }
    expect(await shipmentCount(...ids), 'one shipment per order').toBe(ids.length);
    for (const id of ids) expect(await notificationCount(id), `order ${id} notified once`).toBe(1);
    // Each order took one sticker, once: a double commit or a lost release would show here.
    expect((await products()).get(sku)!.stock).toBe(stockBefore - ids.length);
  });
}

import { Topics, type CreatedOrder, type ErrorBody } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { notificationCount, ordersByEmail, outboxOf, readTopic, shipmentCount } from '../support/data';
import { orderRequest, placeOrder, uniqueEmail, waitForOrder } from '../support/shop';
import { query, stack, stackStatus } from '../support/stack';
import { SERVICES, traceIdsOfOrder } from '../support/traces';

/**
 * Infrastructure outages: Kafka, Postgres and Jaeger stopped and started again through the native
 * runner. This file runs in the `outages` project, after every scenario and alone, since each test
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
const servicePids = async () => Object.fromEntries((await stackStatus()).filter((s) => (SERVICES as readonly string[]).includes(s.name)).map((s) => [s.name, s.pid]));

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
      const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('kafka-down'), items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }));
      expect(res.status, `accepted without Kafka: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.status).toBe('paid');
      traces.track(res.body.traceId, `kafka-down order ${i + 1}`);
      orders.push(res.body);
    }
    for (const order of orders) expect(await outboxOf(order.id), 'waits in the outbox').toEqual([{ topic: Topics.orderPlaced, sent: false }]);
    return orders;
  });

  for (const order of accepted) {
    const done = await waitForOrder(order.id, ['completed', 'failed'], 150_000);
    expect(done.status, done.failureReason).toBe('completed');
    expect(await outboxOf(order.id), 'sent once').toEqual([{ topic: Topics.orderPlaced, sent: true }]);
    expect(await shipmentCount(order.id)).toBe(1);
    expect(await notificationCount(order.id)).toBe(1);
  }
  const placed = await readTopic(Topics.orderPlaced, accepted.map((o) => o.id));
  expect(placed.map((m) => m.key).sort(), 'one OrderPlaced per order, none twice').toEqual(accepted.map((o) => o.id).sort());

  for (const order of accepted) {
    const trace = await traces.waitFor(order.traceId, {
      describe: 'the order relayed after the outage and notified',
      services: SERVICES,
      spans: [{ service: 'orders', name: `send ${Topics.orderPlaced}` }, { service: 'orders', name: `process ${Topics.orderNotified}` }],
    });
    // The relay sent it long after the request, still as a child of the request that wrote the outbox row.
    await expect(trace).toHaveAncestor({ service: 'orders', name: `send ${Topics.orderPlaced}` }, { service: 'orders', name: 'POST /orders', kind: 'server' });
    await expect(trace).toHaveAncestor({ service: 'fulfillment', name: `process ${Topics.orderPlaced}` }, { service: 'orders', name: `send ${Topics.orderPlaced}` });
    await expect(trace).toHaveNoOrphanSpans();
    expect(await traceIdsOfOrder(order.id, startedAt), 'one trace per order').toEqual([order.traceId]);
  }
  expect(await servicePids(), 'no service was restarted').toEqual(pidsBefore);
});

test('with Postgres down an order gets a prompt 503, leaves nothing behind, and orders work again once it is back', async ({ traces }, testInfo) => {
  test.setTimeout(120_000);
  const pidsBefore = await servicePids();
  const email = uniqueEmail('postgres-down');
  const outageStart = new Date();
  const res = await withStopped('postgres', async () => {
    const attempt = await placeOrder<ErrorBody>(orderRequest({ email, items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }));
    await testInfo.attach('answer without Postgres', { body: `${attempt.status} in ${Math.round(attempt.ms)} ms: ${JSON.stringify(attempt.body)}`, contentType: 'text/plain' });
    return attempt;
  });
  const outageEnd = new Date();
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  expect(res.body.error.message).toMatch(/database/);
  expect(res.ms, 'answered promptly, within the gateway budget').toBeLessThan(5_000);

  // No partial order: nothing was written for this attempt, no stock was reserved during the outage.
  expect(await ordersByEmail(email)).toEqual([]);
  expect(await query('inventory', 'SELECT count(*)::int AS n FROM reservations WHERE created_at BETWEEN $1 AND $2', [outageStart, outageEnd])).toEqual([{ n: 0 }]);

  // Recovery without restarting a service: the next order goes through and completes.
  const next = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('postgres-back'), items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }));
  traces.track(next.body.traceId, 'order after Postgres returned');
  expect(next.status, JSON.stringify(next.body)).toBe(201);
  const done = await waitForOrder(next.body.id, ['completed', 'failed'], 60_000);
  expect(done.status, done.failureReason).toBe('completed');
  const trace = await traces.waitFor(next.body.traceId, { describe: 'the order notified', services: SERVICES, spans: [{ service: 'orders', name: `process ${Topics.orderNotified}` }] });
  await expect(trace).toHaveNoOrphanSpans();
  expect(await servicePids(), 'no service was restarted').toEqual(pidsBefore);
});

test('with Jaeger down orders keep flowing (latency up and down printed), and spans produced after it returns arrive', async ({ traces }, testInfo) => {
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
      if (i >= WARM_UP) { ms.push(res.ms); ids.push(res.body.id); }
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
    up.ms.push(...a.ms); up.ids.push(...a.ids);
    down.ms.push(...b.ms); down.ids.push(...b.ids);
  }
  const figures = {
    samples: up.ms.length,
    medianMsJaegerUp: Number(median(up.ms).toFixed(1)),
    medianMsJaegerDown: Number(median(down.ms).toFixed(1)),
    ratio: Number((median(down.ms) / median(up.ms)).toFixed(3)),
  };
  console.log(`POST /api/orders latency, ${up.ms.length} sequential orders each side: ${JSON.stringify(figures)}`);
  await testInfo.attach('latency with Jaeger up and down', { body: JSON.stringify({ ...figures, up: up.ms, down: down.ms }, null, 2), contentType: 'application/json' });
  // The ratio is a figure to read (printed and attached), not an assertion: hoptrace keeps figures in
  // benchmarks, never in timed tests, and on two shared cores it moved from 0.84 idle to 1.16 at load 8.
  // What the test holds is that every order with Jaeger down was accepted and completed.
  for (const id of down.ids) expect((await waitForOrder(id, ['completed', 'failed'], 60_000)).status, 'orders kept flowing').toBe('completed');

  // Jaeger is back: a new order's spans, all produced after its return, arrive as one complete trace.
  const after = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('jaeger-back') }));
  expect(after.status).toBe(201);
  expect((await waitForOrder(after.body.id, ['completed', 'failed'])).status).toBe('completed');
  const trace = await traces.waitFor(after.body.traceId, {
    describe: 'the order after Jaeger returned, notified',
    services: SERVICES,
    spans: [{ service: 'gateway', name: 'POST /api/orders' }, { service: 'orders', name: `process ${Topics.orderNotified}` }],
    timeoutMs: 60_000,
  });
  await expect(trace).toHaveNoOrphanSpans();
});

import type { ErrorBody } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { outboxOf, reservationsOf, stockOf } from '../support/data';
import { faultHeaders, orderRequest, placeOrder, traceIdOf, uniqueEmail, waitForOrder } from '../support/shop';

// TEE-SPAN is this spec's own: no other spec orders it, so its stock can be compared exactly.
const SKU = 'TEE-SPAN';
/** The gateway's ORDER_TIMEOUT_MS. */
const GATEWAY_BUDGET_MS = 5_000;

test('inventory slower than the time budget gets a 503 within the gateway budget, a visible timeout, and no stock held', async ({
  traces,
}, testInfo) => {
  const stockBefore = await stockOf(SKU);
  const res = await placeOrder<ErrorBody>(
    orderRequest({ email: uniqueEmail('slow-inventory'), items: [{ sku: SKU, quantity: 2 }] }),
    faultHeaders({ inventory: 'latency:6000' }),
  );
  const traceId = traceIdOf(res);
  traces.track(traceId, 'slow-inventory order');
  await testInfo.attach('response time', {
    body: `POST /api/orders answered ${res.status} in ${Math.round(res.ms)} ms (budget ${GATEWAY_BUDGET_MS} ms)`,
    contentType: 'text/plain',
  });

  // The client: a 503 that says what is down, well inside the budget, not after the 6 s delay.
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  expect(res.body.error.message).toMatch(/inventory/);
  expect(res.ms).toBeLessThan(GATEWAY_BUDGET_MS);
  const orderId = res.body.orderId!;
  expect(orderId).toBeTruthy();

  // The trace: orders' call to inventory ends in ERROR (a timeout), inventory shows the injected delay.
  const timedOutCall = { service: 'orders', kind: 'client' as const, status: 'ERROR' as const, attributes: { 'server.port': 8082 } };
  const delayed = {
    service: 'inventory',
    kind: 'server' as const,
    event: { name: 'fault.injected', attributes: { 'fault.kind': 'latency', 'fault.target': 'inventory', 'fault.param': 6000 } },
  };
  const trace = await traces.waitFor(traceId!, {
    describe: "the timed-out reservation and inventory's delayed handler",
    services: ['gateway', 'orders', 'inventory'],
    spans: [timedOutCall, delayed],
    timeoutMs: 45_000,
  });
  await expect(trace).toHaveNoOrphanSpans();
  await expect(trace).toHaveSpan({
    service: 'gateway',
    name: 'POST /api/orders',
    kind: 'server',
    attributes: { 'http.response.status_code': 503 },
  });
  await expect(trace).toHaveAncestor(timedOutCall, { service: 'orders', name: 'POST /orders', kind: 'server' });
  // The delayed inventory handler hangs from the call that gave up on it, which recorded the timeout.
  await expect(trace).toHaveAncestor(delayed, timedOutCall);
  await expect(trace).toHaveSpan({ ...timedOutCall, event: { name: 'exception', attributes: { 'exception.message': /timeout/i } } });
  await expect(trace).toHaveAncestor({ service: 'orders', name: 'POST /orders' }, { service: 'gateway', name: 'POST /api/orders' });
  await expect(trace).not.toHaveSpan({ service: 'payments' });
  await expect(trace).not.toHaveSpan({ name: /^send orders\.placed/ });

  // The data: the order failed with the reason, no reservation left behind, the stock as it was.
  const order = await waitForOrder(orderId, ['failed']);
  expect(order.failureReason).toMatch(/inventory is unavailable: no answer within/);
  await expect.poll(() => reservationsOf(orderId), { message: 'no stock held for the order' }).not.toContainEqual({ status: 'reserved' });
  await expect.poll(() => stockOf(SKU), { message: 'stock released' }).toBe(stockBefore);
  expect(await outboxOf(orderId)).toEqual([]);
});

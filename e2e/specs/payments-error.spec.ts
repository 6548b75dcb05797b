import { expect, test } from '../support/fixtures';
import { outboxOf, reservationsOf, stockOf } from '../support/data';
import { faultHeaders, uniqueEmail, waitForOrder } from '../support/shop';
import { Storefront } from '../support/storefront';
import { ancestors, isError } from '@hoptrace/traces';
import { injectedFaults, matchSpans, rpcSpan } from '../support/traces';
import { Payments } from '@hoptrace/contracts/payments-v1';

// CAP-KAFKA is this spec's own: no other spec orders it, so its stock can be compared exactly.
const SKU = 'CAP-KAFKA';

test('when payments fails, the shopper is told the shop is unavailable, the order fails, nothing is published and the stock is released', async ({
  page,
  traces,
}) => {
  // Only the order request carries the fault (and the admin token that makes the gateway honour it).
  await page.route('**/api/orders', (route) =>
    route.request().method() === 'POST'
      ? route.continue({ headers: { ...route.request().headers(), ...faultHeaders({ payments: 'error' }) } })
      : route.continue(),
  );
  const shop = new Storefront(page);
  await shop.open();
  const stockBefore = await stockOf(SKU);
  await shop.addToCart(SKU);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/orders') && r.request().method() === 'POST');
  await shop.checkout(uniqueEmail('payments-error'));
  const response = await answer;
  expect(response.status()).toBe(503);
  const body = (await response.json()) as { error: { code: string }; orderId: string };
  const traceId = /^00-([0-9a-f]{32})-/.exec((await response.headerValue('traceresponse')) ?? '')?.[1];
  traces.track(traceId, 'payments-error order');

  // What the shopper sees: a message that says what happened and what to do, and a link to the order.
  const errors = page.getByTestId('checkout-errors');
  await expect(errors).toBeVisible();
  await expect(errors).toContainText('The shop is temporarily unavailable');
  await expect(errors).toContainText(/nothing was charged.*try again/i);
  await expect(page.getByTestId(`cart-line-${SKU}`), 'the cart is kept for another try').toBeVisible();
  await page.getByTestId('checkout-order-link').click();
  expect(await shop.orderIdOnPage()).toBe(body.orderId);
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('failure-reason')).toContainText(/payments is unavailable/);
  await expect(page.getByTestId('timeline-step-failed')).toHaveAttribute('data-state', 'failed');
  expect(await shop.traceIdOnPage()).toBe(traceId);
  const waterfall = page.getByTestId('trace-waterfall');
  await expect(waterfall.locator('[data-testid="trace-span"][data-service="payments"][data-error="true"]').first()).toBeVisible({
    timeout: 30_000,
  });
  await expect(waterfall.locator('[data-testid="trace-span-event"][data-name="fault.injected"]').first()).toBeVisible();

  // The trace: payments' ERROR spans carry the injected fault, under an unbroken chain to the gateway.
  const fault = {
    service: 'payments',
    event: { name: 'fault.injected', attributes: { 'fault.kind': 'error', 'fault.target': 'payments' } },
  };
  // Over gRPC: the injected error is UNAVAILABLE (14), on payments' server span and orders' client span alike.
  const failedCharge = rpcSpan(Payments.method.charge, 'server', { service: 'payments', status: 'ERROR', code: 14 });
  const failedCall = rpcSpan(Payments.method.charge, 'client', { service: 'orders', status: 'ERROR', code: 14 });
  const trace = await traces.waitFor(traceId!, {
    describe: 'the failed order with the browser spans',
    services: ['storefront', 'gateway', 'orders', 'inventory', 'payments'],
    spans: [fault, failedCharge, { service: 'gateway', name: 'POST /api/orders', attributes: { 'http.response.status_code': 503 } }],
  });
  await expect(trace).toHaveNoOrphanSpans();
  // The fault sits in (or just under) each failed payments server span, and every one of them hangs
  // from orders' request, the gateway's request and the browser's submit.
  for (const span of matchSpans(trace, fault)) {
    expect(
      [span, ...ancestors(trace, span)].some((s) => s.service === 'payments' && s.kind === 'server' && isError(s)),
      `${span.name} with fault.injected is in a payments server span with status ERROR`,
    ).toBe(true);
  }
  await expect(trace).toHaveParent(failedCharge, failedCall);
  // Charge is idempotent (by its key): orders retried it, each attempt its own client span, all within the budget.
  await expect(trace).toHaveSpan(failedCall, 3);
  // The refund by order that follows carries the same fault, so it fails the same way: every
  // injected error sits under an UNAVAILABLE gRPC call of orders.
  await expect(trace).toHaveAncestor(fault, {
    service: 'orders',
    kind: 'client',
    status: 'ERROR',
    attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 14 },
  });
  await expect(trace).toHaveAncestor(fault, { service: 'orders', name: 'POST /orders', kind: 'server', status: 'ERROR' });
  await expect(trace).toHaveAncestor(fault, { service: 'gateway', name: 'POST /api/orders', kind: 'server', status: 'ERROR' });
  await expect(trace).toHaveAncestor(fault, { service: 'storefront' });
  for (const fault of injectedFaults(trace))
    expect(fault, 'only the payments fault was injected').toMatchObject({ kind: 'error', target: 'payments' });
  await expect(trace).not.toHaveSpan({ name: /^send orders\.placed/ });
  await expect(trace).not.toHaveSpan({ service: 'fulfillment' });

  // The data: failed with its reason, no OrderPlaced in the outbox, the reservation released.
  const order = await waitForOrder(body.orderId, ['failed']);
  expect(order.failureReason).toMatch(/payments is unavailable/);
  expect(await outboxOf(body.orderId)).toEqual([]);
  expect(await reservationsOf(body.orderId)).toEqual([{ status: 'released' }]);
  expect(await stockOf(SKU)).toBe(stockBefore);
});

import type { CreatedOrder, ErrorBody } from '@hoptrace/contracts';
import { Payments } from '@hoptrace/contracts/payments-v1';
import { expect, test } from '../support/fixtures';
import { ordersByEmail, outboxOf, reservationsOf } from '../support/data';
import { grpcurl, paymentsMethodPath, PAYMENTS_SERVICE } from '../support/grpc';
import { faultHeaders, orderRequest, placeOrder, traceIdOf, uniqueEmail, waitForOrder } from '../support/shop';
import { stack, stackStatus } from '../support/stack';
import { auditTraces, describeFindings } from '../support/trace-audit';
import { rpcSpan } from '../support/traces';

/**
 * payments taken away: stopped (orders' circuit breaker opens, then closes once it is back) and
 * killed with SIGKILL in the middle of a charge. In the `outages` project, alone: the breaker is
 * orders' state, shared by every request. Whatever a test stops it starts again, even when it fails.
 */
const BREAKER_THRESHOLD = 5;
const BREAKER_OPEN_MS = 10_000;

test.afterEach(async () => {
  if ((await stackStatus()).find((s) => s.name === 'payments')?.state !== 'ready') await stack('start', 'payments');
});

const failedOrder = async (tag: string, headers: Record<string, string> = {}) => {
  const res = await placeOrder<ErrorBody>(orderRequest({ email: uniqueEmail(tag) }), headers);
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  expect(res.body.orderId).toBeTruthy();
  return { res, traceId: traceIdOf(res)! };
};

/** Places orders, one a second, until one is accepted (payments back, orders' channel reconnected, the breaker closed). */
async function placeOnceAccepted(tag: string, timeoutMs: number): Promise<CreatedOrder> {
  let placed: CreatedOrder | undefined;
  await expect
    .poll(
      async () => {
        const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail(tag) }));
        if (res.status === 201) placed = res.body;
        return res.status;
      },
      { message: 'an order is accepted once payments is back', intervals: [1000], timeout: timeoutMs },
    )
    .toBe(201);
  return placed!;
}

test('payments stopped: orders fail with 503 and the order id, the breaker opens after five and stops calling, and closes once payments is back', async ({
  traces,
}) => {
  test.setTimeout(120_000);
  // Per-request injected errors do not count against the breaker: ten of them leave it closed.
  for (let i = 0; i < 2 * BREAKER_THRESHOLD; i++)
    await failedOrder(
      'breaker-injected',
      faultHeaders({ payments: 'error', 'payments.route': paymentsMethodPath(Payments.method.charge) }),
    );
  const stillCalled = await failedOrder(
    'breaker-still-closed',
    faultHeaders({ payments: 'error', 'payments.route': paymentsMethodPath(Payments.method.charge) }),
  );
  traces.track(stillCalled.traceId, 'an injected error after ten: still called');
  await expect(
    await traces.waitFor(stillCalled.traceId, {
      describe: 'the call still made',
      spans: [rpcSpan(Payments.method.charge, 'server', { service: 'payments', code: 14 })],
    }),
  ).not.toHaveSpan({ event: 'circuit_breaker.rejected' });

  await stack('stop', 'payments');
  const down = [];
  for (let i = 0; i < BREAKER_THRESHOLD; i++) down.push(await failedOrder('payments-down'));
  for (const { res } of down) expect(res.body.error.message).toMatch(/^payments is unavailable: UNAVAILABLE/);
  traces.track(down[0]!.traceId, 'an order while payments is down');
  const refused = await traces.waitFor(down[0]!.traceId, {
    describe: 'the refused calls',
    services: ['gateway', 'orders'],
    spans: [rpcSpan(Payments.method.charge, 'client', { service: 'orders', code: 14, status: 'ERROR' })],
  });
  // Charge is idempotent: each order tried three times before giving up.
  await expect(refused).toHaveSpan(rpcSpan(Payments.method.charge, 'client', { service: 'orders', code: 14 }), 3);
  await expect(refused).not.toHaveSpan({ service: 'payments' });

  const fastFail = await failedOrder('breaker-open');
  expect(fastFail.res.body.error.message).toMatch(/circuit open/);
  traces.track(fastFail.traceId, 'an order with the breaker open');
  const open = await traces.waitFor(fastFail.traceId, {
    describe: 'the breaker rejecting',
    services: ['gateway', 'orders'],
    spans: [{ service: 'orders', event: 'circuit_breaker.rejected' }],
  });
  await expect(open).not.toHaveSpan({ service: 'orders', attributes: { 'rpc.system': 'grpc', 'rpc.method': 'Charge' } });
  for (const { res } of [...down, fastFail]) {
    const order = await waitForOrder(res.body.orderId!, ['failed']);
    expect(order.failureReason).toMatch(/payments is unavailable/);
    await expect.poll(() => reservationsOf(res.body.orderId!), { message: 'its stock released' }).toEqual([{ status: 'released' }]);
  }

  await stack('start', 'payments');
  // Half-open after openMs: one trial call closes it again.
  const placed = await placeOnceAccepted('breaker-closing', BREAKER_OPEN_MS + 20_000);
  traces.track(placed.traceId, 'the first order after payments came back');
  expect((await waitForOrder(placed.id, ['completed', 'failed'], 60_000)).status).toBe('completed');
});

test('payments killed with SIGKILL in the middle of a charge: a 503 with the order id, nothing charged, the stock released, and the next order completes', async ({
  traces,
}) => {
  test.setTimeout(120_000);
  // SIGKILL loses whatever spans payments has not exported yet (the previous test's last order's, say).
  // An order first, awaited whole: spans leave in the order they ended, so what came before it is out too.
  const before = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('before-payments-crash') }));
  expect(before.status, JSON.stringify(before.body)).toBe(201);
  expect((await waitForOrder(before.body.id, ['completed', 'failed'], 60_000)).status).toBe('completed');
  const exported = await auditTraces([before.body.traceId], 30_000);
  expect(exported.findings, describeFindings(exported.findings)).toEqual([]);
  // The charge is held 3 s inside payments (a route-scoped latency fault) while the process dies.
  const email = uniqueEmail('payments-crash');
  const pid = (await stackStatus()).find((s) => s.name === 'payments')?.pid;
  const held = placeOrder<ErrorBody>(
    orderRequest({ email }),
    faultHeaders({ payments: 'latency:3000', 'payments.route': paymentsMethodPath(Payments.method.charge) }),
  );
  // Stock is reserved right before the charge is sent: from then on, for 3 s, payments holds it.
  await expect
    .poll(
      async () => {
        const [row] = await ordersByEmail(email);
        return row ? reservationsOf(row.id) : [];
      },
      { message: 'the order reserved its stock, so its charge is in payments', intervals: [50], timeout: 10_000 },
    )
    .toEqual([{ status: 'reserved' }]);
  await stack('kill', 'payments');
  const res = await held;
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  const orderId = res.body.orderId!;
  traces.track(traceIdOf(res), 'the order whose charge died with payments');
  const order = await waitForOrder(orderId, ['failed']);
  expect(order.failureReason).toMatch(/payments is unavailable/);
  await expect.poll(() => reservationsOf(orderId), { message: 'its stock released' }).toEqual([{ status: 'released' }]);
  expect(await outboxOf(orderId)).toEqual([]);

  await stack('start', 'payments');
  expect((await stackStatus()).find((s) => s.name === 'payments')?.pid).not.toBe(pid);
  // Nothing was captured for the order: payments has no charge to refund for it.
  const refund = await grpcurl([`${PAYMENTS_SERVICE}/RefundOrder`], { data: { order_id: orderId } });
  expect(refund.code, refund.stdout).toBe(5);
  const next = await placeOnceAccepted('after-payments-crash', BREAKER_OPEN_MS + 20_000);
  traces.track(next.traceId, 'the next order');
  expect((await waitForOrder(next.id, ['completed', 'failed'], 60_000)).status).toBe('completed');
});

import type { CreatedOrder, ErrorBody } from '@hoptrace/contracts';
import { Payments } from '@hoptrace/contracts/payments-v1';
import { expect, test } from '../support/fixtures';
import { outboxOf, reservationsOf } from '../support/data';
import { paymentsMethodPath } from '../support/grpc';
import { faultHeaders, orderRequest, placeOrder, traceIdOf, uniqueEmail, waitForOrder } from '../support/shop';
import { rpcSpan } from '../support/traces';

/** The gateway's ORDER_TIMEOUT_MS. */
const GATEWAY_BUDGET_MS = 5_000;
const CHARGE = paymentsMethodPath(Payments.method.charge);

test("payments slowed over gRPC: the order completes, the delay is on payments' server span under orders' call", async ({ traces }) => {
  const res = await placeOrder<CreatedOrder>(
    orderRequest({ email: uniqueEmail('payments-latency') }),
    faultHeaders({ payments: 'latency:300' }),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.ms).toBeGreaterThanOrEqual(300);
  traces.track(res.body.traceId, 'payments-latency order');
  expect((await waitForOrder(res.body.id, ['completed', 'failed'], 60_000)).status).toBe('completed');
  const delayed = rpcSpan(Payments.method.charge, 'server', {
    service: 'payments',
    code: 0,
    event: { name: 'fault.injected', attributes: { 'fault.kind': 'latency', 'fault.target': 'payments', 'fault.param': 300 } },
  });
  const call = rpcSpan(Payments.method.charge, 'client', { service: 'orders', code: 0 });
  const trace = await traces.waitFor(res.body.traceId, {
    describe: 'the delayed charge',
    services: ['gateway', 'orders', 'payments'],
    spans: [delayed, call],
  });
  await expect(trace).toHaveNoOrphanSpans();
  await expect(trace).toHaveParent(delayed, call);
  const span = trace.spans.find((s) => s.service === 'orders' && s.name === call.name)!;
  expect(span.durationUs, 'orders waited for the delayed answer').toBeGreaterThanOrEqual(300_000);
});

test('payments hanging on Charge: a 503 inside the gateway budget, DEADLINE_EXCEEDED on both ends of the gRPC hop, the reservation released', async ({
  traces,
}, testInfo) => {
  // Only Charge hangs (a route-scoped entry): the refund by order that follows a timeout still answers.
  const res = await placeOrder<ErrorBody>(
    orderRequest({ email: uniqueEmail('payments-hang') }),
    faultHeaders({ payments: 'hang', 'payments.route': CHARGE }),
  );
  const traceId = traceIdOf(res);
  traces.track(traceId, 'payments-hang order');
  await testInfo.attach('response time', {
    body: `POST /api/orders answered ${res.status} in ${Math.round(res.ms)} ms (budget ${GATEWAY_BUDGET_MS} ms)`,
    contentType: 'text/plain',
  });
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('dependency_unavailable');
  expect(res.body.error.message).toMatch(/^payments is unavailable: no answer within the deadline/);
  expect(res.ms).toBeLessThan(GATEWAY_BUDGET_MS);
  const orderId = res.body.orderId!;
  expect(orderId).toBeTruthy();

  // A deadline is not retried: one call, DEADLINE_EXCEEDED (4) on orders' side and on payments', where the hang was injected.
  const timedOut = rpcSpan(Payments.method.charge, 'client', { service: 'orders', code: 4, status: 'ERROR' });
  const hung = rpcSpan(Payments.method.charge, 'server', {
    service: 'payments',
    event: { name: 'fault.injected', attributes: { 'fault.kind': 'hang', 'fault.route': CHARGE } },
  });
  const refund = rpcSpan(Payments.method.refundOrder, 'server', { service: 'payments', code: 5 });
  const trace = await traces.waitFor(traceId!, {
    describe: 'the hung charge and the refund by order',
    services: ['gateway', 'orders', 'inventory', 'payments'],
    spans: [timedOut, hung, refund],
    timeoutMs: 45_000,
  });
  await expect(trace).toHaveNoOrphanSpans();
  await expect(trace).toHaveSpan(timedOut, 1);
  await expect(trace).toHaveParent(hung, timedOut);
  await expect(trace).toHaveSpan({ ...hung, attributes: { 'rpc.grpc.status_code': 4 } });
  await expect(trace).toHaveSpan({
    service: 'gateway',
    name: 'POST /api/orders',
    kind: 'server',
    attributes: { 'http.response.status_code': 503 },
  });
  await expect(trace).not.toHaveSpan({ name: /^send orders\.placed/ });

  const order = await waitForOrder(orderId, ['failed']);
  expect(order.failureReason).toMatch(/payments is unavailable: no answer within the deadline/);
  await expect.poll(() => reservationsOf(orderId), { message: 'the reservation released' }).toEqual([{ status: 'released' }]);
  expect(await outboxOf(orderId)).toEqual([]);
});

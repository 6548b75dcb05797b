import type { CreatedOrder } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { notificationCount, shipmentCount } from '../support/data';
import { faultHeaders, orderRequest, placeOrder, uniqueEmail, waitForOrder } from '../support/shop';
import { injectedFaults, SERVICES } from '../support/traces';

test('fault baggage from a client without the admin token is stripped at the gateway and the order completes', async ({ traces }) => {
  const headers = faultHeaders({ payments: 'error' }, { withToken: false });
  expect(headers.authorization, 'no token is sent').toBe('');
  const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('untrusted') }), headers);
  traces.track(res.body.traceId, 'untrusted order');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.status).toBe('paid');

  const order = await waitForOrder(res.body.id, ['completed', 'failed']);
  expect(order.status, order.failureReason).toBe('completed');
  expect(await shipmentCount(order.id)).toBe(1);
  expect(await notificationCount(order.id)).toBe(1);

  const trace = await traces.waitFor(res.body.traceId, {
    describe: 'the order notified',
    services: SERVICES,
    spans: [{ service: 'orders', name: 'process orders.notified' }],
  });
  await expect(trace).toHaveSpan({
    service: 'gateway',
    name: 'POST /api/orders',
    kind: 'server',
    attributes: { 'hoptrace.fault.baggage_stripped': 1, 'http.response.status_code': 201 },
    event: 'fault.baggage_stripped',
  });
  expect(injectedFaults(trace), 'no fault injected anywhere').toEqual([]);
  await expect(trace).not.toHaveSpan({ status: 'ERROR' });
  await expect(trace).toHaveNoOrphanSpans();
  // Nothing downstream saw the entry: the baggage that reached Kafka carries no fault.
  for (const span of trace.spans) expect(JSON.stringify(span.attributes)).not.toContain('hoptrace.fault.payments');
});

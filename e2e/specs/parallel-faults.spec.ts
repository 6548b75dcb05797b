import type { CreatedOrder, ErrorBody } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { api, adminToken, faultHeaders, orderRequest, placeOrder, traceIdOf, uniqueEmail, waitForOrder } from '../support/shop';
import { injectedFaults } from '../support/traces';

/**
 * Per-request faults live in each request's baggage, so two tests faulting different services at
 * the same time never see each other's: each trace holds only its own `fault.injected` events.
 */
test.describe('per-request faults in parallel tests', () => {
  test.describe.configure({ mode: 'parallel' });
  const ORDERS_PER_TEST = 3;

  test.beforeAll(async () => {
    // A global rule would fire for every request and blur the point: there must be none.
    const rules = await api<{ rules: unknown[] }>('GET', '/api/admin/faults', undefined, { authorization: `Bearer ${adminToken()}` });
    expect(rules.body.rules).toEqual([]);
  });

  test('orders with a payments error fail while a parallel test slows inventory, and see no latency fault', async ({ traces }) => {
    for (let i = 0; i < ORDERS_PER_TEST; i++) {
      const res = await placeOrder<ErrorBody>(
        orderRequest({ email: uniqueEmail('parallel-payments') }),
        faultHeaders({ payments: 'error' }),
      );
      const traceId = traceIdOf(res)!;
      traces.track(traceId, `payments-error order ${i + 1}`);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/payments/);
      expect((await waitForOrder(res.body.orderId!, ['failed'])).failureReason).toMatch(/payments is unavailable/);
      const trace = await traces.waitFor(traceId, {
        describe: 'the payments fault recorded',
        spans: [
          { service: 'payments', event: 'fault.injected' },
          { service: 'gateway', name: 'POST /api/orders', attributes: { 'http.response.status_code': 503 } },
        ],
      });
      const faults = injectedFaults(trace);
      expect(faults.length).toBeGreaterThan(0);
      expect(
        faults.map((f) => `${f.target}=${f.kind}`),
        'only its own fault',
      ).toEqual(faults.map(() => 'payments=error'));
      expect(
        trace.spans.filter((s) => s.service === 'inventory' && s.durationUs > 1_000_000),
        'no slow inventory span',
      ).toEqual([]);
    }
  });

  test('orders with inventory latency complete while a parallel test breaks payments, and see no payments fault', async ({ traces }) => {
    for (let i = 0; i < ORDERS_PER_TEST; i++) {
      const res = await placeOrder<CreatedOrder & ErrorBody>(
        orderRequest({ email: uniqueEmail('parallel-inventory') }),
        faultHeaders({ inventory: 'latency:1500' }),
      );
      const traceId = traceIdOf(res)!;
      traces.track(traceId, `inventory-latency order ${i + 1}`);
      // Soft: if the slowed order fails, the isolation checks below still run and count.
      expect.soft(res.status, `a 1.5 s delay fits the 2 s call budget: ${JSON.stringify(res.body)}`).toBe(201);
      const completed = res.status === 201 && (await waitForOrder(res.body.id, ['completed', 'failed'], 60_000)).status === 'completed';
      if (res.status === 201) {
        expect.soft(res.ms).toBeGreaterThanOrEqual(1500);
        expect.soft(completed, 'the slowed order completes').toBe(true);
      }
      const trace = await traces.waitFor(traceId, {
        describe: completed ? 'the slowed order notified' : 'the slowed order answered',
        spans: [
          { service: 'inventory', event: 'fault.injected' },
          completed
            ? { service: 'orders', name: 'process orders.notified' }
            : { service: 'gateway', name: 'POST /api/orders', kind: 'server' },
        ],
      });
      const faults = injectedFaults(trace);
      expect(
        faults.map((f) => `${f.target}=${f.kind}`),
        'only its own fault',
      ).toEqual(faults.map(() => 'inventory=latency'));
      await expect(trace).not.toHaveSpan({ service: 'payments', status: 'ERROR' });
      await expect(trace).toHaveNoOrphanSpans();
    }
  });

  test('orders without faults complete while the parallel tests inject theirs, and carry no fault at all', async ({ traces }) => {
    for (let i = 0; i < ORDERS_PER_TEST; i++) {
      const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('parallel-clean') }));
      traces.track(res.body.traceId, `clean order ${i + 1}`);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const order = await waitForOrder(res.body.id, ['completed', 'failed'], 60_000);
      expect(order.status, order.failureReason).toBe('completed');
      const trace = await traces.waitFor(res.body.traceId, {
        describe: 'the order notified',
        spans: [{ service: 'orders', name: 'process orders.notified' }],
      });
      expect(injectedFaults(trace), 'no fault in a clean order').toEqual([]);
      await expect(trace).not.toHaveSpan({ status: 'ERROR' });
    }
  });
});

import { Topics, type CreatedOrder } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { adminToken, clearGlobalFaults, orderRequest, placeOrder, uniqueEmail } from '../support/shop';
import { prometheusUrl } from '../support/stack';
import { rpcSpan, SERVICES } from '../support/traces';
import { Payments } from '@hoptrace/contracts/payments-v1';

/**
 * Global fault rules reach every request, so this runs in the `outages` project, alone, like the
 * infrastructure drills: a rule set here must not meet another test's orders.
 */

async function faultsActive(service: string, kind: string): Promise<number> {
  const query = encodeURIComponent(`sum(hoptrace_faults_active{service="${service}",kind="${kind}"})`);
  const body = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${query}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

const CHARGE_PATH = `/${Payments.typeName}/${Payments.method.charge.name}`;

test('a global rule set in the Chaos panel slows payments for every order, shows in the trace and in Prometheus, and ends when cleared', async ({
  page,
  traces,
}) => {
  try {
    await page.goto('/chaos');
    await page.getByTestId('chaos-token').fill(adminToken());
    await page.getByTestId('chaos-token-save').click();
    await page.getByTestId('chaos-add-service').selectOption('payments');
    await page.getByTestId('chaos-add-kind').selectOption('latency');
    await page.getByTestId('chaos-add-param').fill('400');
    await page.getByTestId('chaos-add-rate').fill('1');
    // payments' route is its gRPC method's path.
    await page.getByTestId('chaos-add-route').fill(CHARGE_PATH);
    await page.getByTestId('chaos-add-submit').click();
    await expect(page.getByTestId('chaos-rules')).toContainText('payments');

    // An ordinary client, no token, no baggage: the gateway's rule applies all the same.
    const slowed = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('global-rule') }));
    expect(slowed.status, JSON.stringify(slowed.body)).toBe(201);
    expect(slowed.ms, 'the 400 ms delay is in the answer').toBeGreaterThanOrEqual(400);
    traces.track(slowed.body.traceId, 'order under the global rule');
    const trace = await traces.waitFor(slowed.body.traceId, {
      describe: 'the order under the global rule, notified',
      services: SERVICES,
      spans: [{ service: 'orders', name: `process ${Topics.orderNotified}` }],
    });
    // On payments' gRPC server span: the injector runs inside the call.
    await expect(trace).toHaveSpan(
      rpcSpan(Payments.method.charge, 'server', {
        service: 'payments',
        code: 0,
        event: {
          name: 'fault.injected',
          attributes: { 'fault.kind': 'latency', 'fault.scope': 'global', 'fault.route': CHARGE_PATH, 'fault.param': 400 },
        },
      }),
    );
    await expect(trace).toHaveNoOrphanSpans();
    await expect
      .poll(() => faultsActive('payments', 'latency'), { message: 'hoptrace_faults_active in Prometheus', timeout: 30_000 })
      .toBe(1);

    await page.getByTestId('chaos-clear').click();
    await expect(page.getByTestId('chaos-rules')).not.toContainText('payments');
    const normal = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail('rule-cleared') }));
    expect(normal.status).toBe(201);
    traces.track(normal.body.traceId, 'order after the rule was cleared');
    const clean = await traces.waitFor(normal.body.traceId, {
      describe: 'the order after the rule was cleared, notified',
      services: SERVICES,
      spans: [{ service: 'orders', name: `process ${Topics.orderNotified}` }],
    });
    expect(
      clean.spans.filter((s) => s.events.some((e) => e.name === 'fault.injected')),
      'no fault once cleared',
    ).toEqual([]);
  } finally {
    await clearGlobalFaults();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, placeOrdersUnderLoad, waitForAll } from '../support/load';
import { auditTraces, describeFindings } from '../support/trace-audit';

test('200 orders placed under load all complete, each in one whole trace that trace:check finds clean', async (t) => {
  const { orders, rejected, elapsedMs } = await placeOrdersUnderLoad(200, 8);
  assert.deepEqual(rejected, [], 'every order accepted');
  assert.equal(orders.length, 200);
  const latencies = orders.map((o) => o.latencyMs);
  t.diagnostic(
    `placed 200 orders in ${elapsedMs} ms (${(200_000 / elapsedMs).toFixed(1)} orders/s), latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
  );

  const statuses = await waitForAll(
    orders.map((o) => o.id),
    ['completed', 'failed'],
    120_000,
  );
  assert.deepEqual(
    [...statuses.values()].filter((s) => s !== 'completed'),
    [],
    'every order completed',
  );

  const { traces, findings } = await auditTraces(orders.map((o) => o.traceId));
  assert.equal(traces.length, 200, 'one trace per order');
  assert.deepEqual(findings, [], describeFindings(findings));
});

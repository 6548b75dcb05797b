/**
 * `npm run load -- [--orders 200] [--concurrency 8]`: places orders through the running stack's
 * gateway, waits for them to complete, prints throughput and latency, and writes the trace ids
 * to .hoptrace/load-traces.txt for `npm run trace:check -- --trace-file .hoptrace/load-traces.txt`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, placeOrdersUnderLoad, waitForAll } from '../e2e/support/load';
import { resolvePaths } from '../infra/native/src/paths';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' } } });
  const count = Number(values.orders);
  const concurrency = Number(values.concurrency);
  if (!(count > 0 && concurrency > 0)) throw new Error('--orders and --concurrency take positive numbers');
  console.log(`placing ${count} orders with ${concurrency} concurrent clients…`);
  const { orders, rejected, elapsedMs } = await placeOrdersUnderLoad(count, concurrency);
  const latencies = orders.map((o) => o.latencyMs);
  console.log(`accepted ${orders.length}, rejected ${rejected.length} in ${elapsedMs} ms: ${(orders.length * 1000 / elapsedMs).toFixed(1)} orders/s; latency p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms`);
  const statuses = [...(await waitForAll(orders.map((o) => o.id), ['completed', 'failed'], 120_000)).values()];
  console.log(`completed ${statuses.filter((s) => s === 'completed').length}, failed ${statuses.filter((s) => s === 'failed').length}`);
  const file = join(resolvePaths().state, 'load-traces.txt');
  mkdirSync(resolvePaths().state, { recursive: true });
  writeFileSync(file, `${orders.map((o) => o.traceId).join('\n')}\n`);
  console.log(`trace ids in ${file}; check them with: npm run trace:check -- --trace-file ${file}`);
  if (rejected.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

/**
 * `npm run load`: load on the running stack through the gateway, then its invariants.
 *   open model   --rate 20 --duration 60s [--arrivals uniform|poisson] [--max-in-flight 2000]
 *   closed model --orders 200 --concurrency 8 (or --concurrency 8 --duration 30s)
 *   both         [--mix order=1,browse=3,status=3] [--fault payments=error:0.1]... [--no-span-check] [--json <file>]
 * `--rate` is all arrivals per second, shared out by the mix (default order=1: orders per second).
 * Writes the accepted orders' trace ids to .hoptrace/load-traces.txt for trace:check.
 * Exit code 1 when an invariant breaks, 2 on bad usage or a stack that is not running.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminToken } from '../e2e/support/shop';
import { gatewayUrl, jaegerQueryUrl } from '../e2e/support/stack';
import { resolvePaths } from '../infra/native/src/paths';
import { parseDurationMs } from '../packages/traces/src/cli';
import { describeModel, formatReport } from './load/report';
import { runLoad, type LoadModel } from './load/run';
import { parseFault, parseMix } from './load/workload';

class UsageError extends Error {}

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} wants a positive number, not "${text}"`);
  return n;
}

function duration(name: string, text: string): number {
  try {
    return parseDurationMs(text);
  } catch {
    throw new UsageError(`--${name} wants a duration like 500ms, 60s or 2m, not "${text}"`);
  }
}

function modelFrom(values: Record<string, string | boolean | string[] | undefined>): LoadModel {
  const durationMs = typeof values.duration === 'string' ? duration('duration', values.duration) : undefined;
  if (values.rate !== undefined) {
    if (values.orders !== undefined || values.concurrency !== undefined)
      throw new UsageError('--rate (open model) goes without --orders and --concurrency (closed model)');
    const arrivals = String(values.arrivals ?? 'uniform');
    if (arrivals !== 'uniform' && arrivals !== 'poisson') throw new UsageError(`--arrivals is uniform or poisson, not "${arrivals}"`);
    return {
      kind: 'open',
      ratePerSecond: positive('rate', String(values.rate)),
      durationMs: durationMs ?? 60_000,
      arrivals,
      maxInFlight: positive('max-in-flight', String(values['max-in-flight'] ?? '2000')),
    };
  }
  const concurrency = positive('concurrency', String(values.concurrency ?? '8'));
  const orders = values.orders !== undefined ? positive('orders', String(values.orders)) : durationMs === undefined ? 200 : undefined;
  return { kind: 'closed', concurrency, orders, durationMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      arrivals: { type: 'string' },
      'max-in-flight': { type: 'string' },
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      mix: { type: 'string', default: 'order=1' },
      fault: { type: 'string', multiple: true, default: [] },
      'no-span-check': { type: 'boolean', default: false },
      settle: { type: 'string', default: '120s' },
      json: { type: 'string' },
    },
  });
  let model: LoadModel;
  let options: { mix: ReturnType<typeof parseMix>; faults: ReturnType<typeof parseFault>[]; settleMs: number };
  try {
    model = modelFrom(values);
    options = { mix: parseMix(values.mix!), faults: values.fault!.map(parseFault), settleMs: duration('settle', values.settle!) };
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  console.log(
    `load on ${gatewayUrl}: ${describeModel(model)}, mix ${values.mix}${options.faults.length ? `, faults ${values.fault!.join(' ')}` : ''}`,
  );
  const report = await runLoad({
    gatewayUrl,
    jaegerUrl: jaegerQueryUrl,
    adminToken: adminToken(),
    model,
    mix: options.mix,
    faults: options.faults,
    checkSpans: !values['no-span-check'],
    settleTimeoutMs: options.settleMs,
    progress: (line) => console.log(`[load] ${line}`),
  });
  console.log(formatReport(report));
  const paths = resolvePaths();
  mkdirSync(paths.state, { recursive: true });
  const file = join(paths.state, 'load-traces.txt');
  writeFileSync(file, `${report.placed.map((o) => o.traceId).join('\n')}\n`);
  console.log(`trace ids in ${file}; check them with: npm run trace:check -- --trace-file ${file}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (report.invariants.some((i) => !i.ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});

/**
 * `npm run bench` (the native stack running: `npm start` first): the figures hoptrace is held to,
 * in one run, never asserted by a timed unit test.
 *   - rounds alternating traced (100 % sampled, exported to Jaeger) and untraced
 *     (`OTEL_SDK_DISABLED=true` on all six app services, through the runner's `restart apps --env`),
 *     each: warm-up, 20 orders/s open model (accepted → completed, CPU per order per component,
 *     memory, spans), then closed-loop capacity;
 *   - the micro-endpoint ratio (inventory GET /products, SDK on and off);
 *   - start to all-ready of the last `npm start`.
 * Writes bench/results/<date>.json and .md, and the table into docs/benchmark.md. `--smoke`: one short
 * round each, figures not meaningful, results under .hoptrace/bench-results (what `npm test` runs).
 * `--env NAME=value` (repeatable): extra environment for the app services in every round, to
 * measure a configuration without editing docker-compose.yml; `--out <dir>` writes the results
 * there instead (and leaves docs/benchmark.md alone).
 * The stack is left as it was found: app services restarted plainly (traced) at the end.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminToken } from '../e2e/support/shop';
import { gatewayUrl, hostPort, jaegerQueryUrl } from '../e2e/support/stack';
import { AddressMap } from '../infra/native/src/addresses';
import { callControl, controlSocket, envFromFlags } from '../infra/native/src/control';
import { resolvePaths } from '../infra/native/src/paths';
import { loadRunningProject } from '../infra/native/src/project';
import type { Status } from '../infra/native/src/supervisor';
import { microBenchmark } from './bench/micro';
import { markdown, summarize } from './bench/results';
import { restartApps, runRound, type Mode, type RoundPlan, type RoundResult, type StackAccess } from './bench/rounds';
import { showInDocs } from './bench/docs-table';

const FULL: RoundPlan & { rounds: number; micro: { pairs: number; roundMs: number; concurrency: number } } = {
  rounds: 3,
  warmup: { ratePerSecond: 10, durationMs: 5_000 },
  endToEnd: { ratePerSecond: 20, durationMs: 15_000 },
  capacity: { concurrency: 16, durationMs: 12_000 },
  settleMs: 60_000,
  micro: { pairs: 3, roundMs: 5_000, concurrency: 16 },
};
const SMOKE: typeof FULL = {
  rounds: 1,
  warmup: { ratePerSecond: 5, durationMs: 1_000 },
  endToEnd: { ratePerSecond: 5, durationMs: 3_000 },
  capacity: { concurrency: 4, durationMs: 3_000 },
  settleMs: 30_000,
  micro: { pairs: 1, roundMs: 1_000, concurrency: 4 },
};

const log = (line: string) => console.log(`[bench] ${line}`);
const uptime = () =>
  execFileSync('uptime', { encoding: 'utf8' })
    .trim()
    .replace(/^.*load average:\s*/, 'load average ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' }, env: { type: 'string', multiple: true, default: [] } },
  });
  const env = envFromFlags(values.env!);
  const smoke = values.smoke!;
  const plan = smoke ? SMOKE : FULL;
  const paths = resolvePaths();
  const socket = controlSocket(paths);
  await callControl<Status[]>(socket, 'GET', '/status', 5_000).catch(() => {
    throw new Error('the native stack is not running: start it with `npm start`, then run `npm run bench`');
  });
  const { all, services, profiles } = loadRunningProject(paths);
  const addresses = new AddressMap(all);
  const apps = services.filter((s) => s.native?.kind === 'node');
  const access: StackAccess = {
    socket,
    env,
    gatewayUrl,
    jaegerUrl: jaegerQueryUrl,
    adminToken: adminToken(),
    collectorMetricsUrl: `http://${hostPort('jaeger', 8888)}/metrics`,
    serviceMetricsUrls: apps.map(
      (s) => `http://${addresses.host}:${addresses.port(s.name, Number(s.environment.OTEL_EXPORTER_PROMETHEUS_PORT))}/metrics`,
    ),
  };

  const began = performance.now();
  const loadBefore = uptime();
  log(`${smoke ? 'smoke run' : 'full run'}: ${plan.rounds} × (traced, untraced), machine ${loadBefore}`);
  const rounds: RoundResult[] = [];
  let micro;
  try {
    for (let i = 0; i < plan.rounds; i++) {
      for (const mode of ['traced', 'untraced'] as Mode[]) {
        log(`round ${rounds.length + 1} of ${plan.rounds * 2}: ${mode}`);
        rounds.push(await runRound(access, plan, mode, log));
      }
    }
  } finally {
    // Leave the stack as compose configures it, whatever happened.
    await restartApps({ ...access, env: {} }, 'traced').then(
      () => log('app services restarted traced (as configured)'),
      (err: Error) => log(`could not restart the app services: ${err.message}`),
    );
  }
  log(
    `micro-endpoint: inventory GET /products, ${plan.micro.concurrency} clients, ${plan.micro.pairs} pairs of ${plan.micro.roundMs / 1000} s rounds`,
  );
  micro = await microBenchmark(paths.root, services, addresses, plan.micro, env);

  const ready = join(paths.state, 'ready.json');
  const date = new Date().toISOString().slice(0, 10);
  const summary = summarize({
    date,
    smoke,
    plan,
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.versions.node,
      loadBefore,
      loadAfter: uptime(),
    },
    durationMs: performance.now() - began,
    env,
    profiles,
    startToAllReadyMs: existsSync(ready) ? (JSON.parse(readFileSync(ready, 'utf8')) as { startMs: number }).startMs : undefined,
    rounds,
    micro,
  });
  const table = markdown(summary);
  const out = values.out ?? (smoke ? join(paths.state, 'bench-results') : join(paths.root, 'bench', 'results'));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${date}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(out, `${date}.md`), table);
  if (!smoke && !values.out) {
    const page = join(paths.root, 'docs', 'benchmark.md');
    if (showInDocs(page, table, `bench/results/${date}.md`)) log(`latest table written to docs/benchmark.md`);
    else log(`docs/benchmark.md has no bench:start/bench:end markers: its table was not updated`);
  }
  console.log(`\n${table}`);
  console.log(
    summary.targets
      .map((t) => `${t.met ? '✓' : '✗'} ${t.figure}: ${Number.isFinite(t.value) ? t.value.toFixed(3) : t.value} (target ${t.target})`)
      .join('\n'),
  );
  log(`wrote ${join(out, `${date}.json`)} and .md in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  if (!summary.invariants.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

/**
 * `npm run bench` (against the running native stack): the figures hoptrace is held to, measured
 * in one run and printed, never asserted by a timed unit test.
 *   - tracing cost: the same service (inventory, GET /products: HTTP + Postgres) started twice
 *     beside the stack, with the OpenTelemetry SDK on and off, loaded alternately (ABAB);
 *   - memory: RSS and PSS of every component of the native stack, and the totals;
 *   - spans dropped by the services' export buffers (Prometheus);
 *   - the last start's time to all-ready (.hoptrace/ready.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressMap } from '../infra/native/src/addresses';
import { loadComposeForAddresses } from '../infra/native/src/compose';
import { callControl, controlSocket } from '../infra/native/src/control';
import { resolvePaths } from '../infra/native/src/paths';
import type { Status } from '../infra/native/src/supervisor';
import { httpOk, waitFor } from '../infra/native/src/wait';

const paths = resolvePaths();
const { services } = loadComposeForAddresses(paths.compose, paths.root);
const addresses = new AddressMap(services);
const ROUND_MS = 5_000;
const CONCURRENCY = 16;

function startInventory(port: number, metricsPort: number, traced: boolean): ChildProcess {
  const inventory = services.find((s) => s.name === 'inventory')!;
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
    ...addresses.mapEnvironment(inventory.environment, 'inventory'),
    PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'inventory-bench',
    LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: traced ? 'false' : 'true', NODE_ENV: 'production',
    // BENCH_TRACED_ENV='K=V,K2=V2' changes the traced instance only: compare configurations.
    ...(traced ? Object.fromEntries((process.env.BENCH_TRACED_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string])) : {}),
  };
  return spawn('node', ['--require', './packages/telemetry/dist/register.js', 'services/inventory/dist/main.js'], { cwd: paths.root, env, stdio: 'ignore' });
}

/** SIGTERM, then SIGKILL after 10 s: the benchmark leaves no process behind. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
}

/** Requests per second and latencies of GET /products with CONCURRENCY clients for ROUND_MS. */
async function round(url: string): Promise<{ rps: number; latencies: number[] }> {
  const latencies: number[] = [];
  const end = Date.now() + ROUND_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) latencies.push(performance.now() - t);
    }
  }));
  return { rps: latencies.length / (ROUND_MS / 1000), latencies };
}

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((p / 100) * (values.length - 1))] ?? NaN;

/**
 * Memory of a component: RSS of its main process, and PSS of the process with its children
 * (postgres backends). Summing RSS over processes would count shared pages (Postgres' shared
 * buffers, shared libraries) once per process; PSS shares them out, so its total is what the
 * stack really occupies.
 */
function memoryKiB(pid: number): { rss: number; pss: number } {
  const rollup = (p: number) => readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const total = { rss: 0, pss: 0 };
  try { total.rss = field(rollup(pid), 'Rss'); } catch { return total; }
  const visit = (p: number) => {
    try {
      total.pss += field(rollup(p), 'Pss');
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    } catch { /* gone */ }
  };
  visit(pid);
  return total;
}

async function main(): Promise<void> {
  const statuses = await callControl<Status[]>(controlSocket(paths), 'GET', '/status')
    .catch(() => { throw new Error('the native stack is not running: start it with `npm start`, then run `npm run bench`'); });

  console.log(`memory: ${'component'.padEnd(34)} RSS (main)  PSS (with children, shared pages shared out)`);
  const total = { rss: 0, pss: 0 };
  const mib = (kib: number) => `${(kib / 1024).toFixed(0).padStart(6)} MiB`;
  for (const s of statuses.filter((x) => x.pid)) {
    const m = memoryKiB(s.pid!);
    total.rss += m.rss;
    total.pss += m.pss;
    console.log(`  ${s.name.padEnd(42)} ${mib(m.rss)} ${mib(m.pss)}`);
  }
  const gib = (kib: number) => `${(kib / 1024 / 1024).toFixed(2)} GiB`;
  console.log(`  ${'total'.padEnd(42)} ${gib(total.rss).padStart(10)} ${gib(total.pss).padStart(10)}   (target < 1.5 GiB)`);

  const ready = join(paths.state, 'ready.json');
  if (existsSync(ready)) console.log(`start to all-ready (last start): ${(JSON.parse(readFileSync(ready, 'utf8')).startMs / 1000).toFixed(1)} s   (warm target < 30 s)`);

  const prometheus = `http://${addresses.host}:${addresses.port('prometheus', 9090)}`;
  const dropped = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent('sum(hoptrace_telemetry_spans_dropped_total) or vector(0)')}`)
    .then((r) => r.json() as Promise<{ data: { result: { value: [number, string] }[] } }>).then((b) => b.data.result[0]?.value[1] ?? '0', () => 'unknown');
  console.log(`spans dropped by the services' export buffers: ${dropped}   (target 0)`);

  console.log(`tracing cost: inventory GET /products (HTTP + Postgres), ${CONCURRENCY} clients, ${ROUND_MS / 1000} s rounds, traced and untraced alternately`);
  const traced = startInventory(18_182, 19_182, true);
  const untraced = startInventory(18_183, 19_183, false);
  try {
    for (const port of [18_182, 18_183]) await waitFor(`bench inventory on ${port}`, () => httpOk(`http://127.0.0.1:${port}/readyz`), 30_000);
    const results = { traced: [] as number[], untraced: [] as number[], tracedLat: [] as number[], untracedLat: [] as number[] };
    await round('http://127.0.0.1:18182/products'); // warm-up: JIT and connection pools
    await round('http://127.0.0.1:18183/products');
    for (let i = 0; i < 2; i++) {
      const a = await round('http://127.0.0.1:18182/products');
      const b = await round('http://127.0.0.1:18183/products');
      results.traced.push(a.rps); results.tracedLat.push(...a.latencies);
      results.untraced.push(b.rps); results.untracedLat.push(...b.latencies);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const [on, off] = [mean(results.traced), mean(results.untraced)];
    console.log(`  traced    ${on.toFixed(0).padStart(6)} req/s   p50 ${pct(results.tracedLat, 50).toFixed(1)} ms   p99 ${pct(results.tracedLat, 99).toFixed(1)} ms`);
    console.log(`  untraced  ${off.toFixed(0).padStart(6)} req/s   p50 ${pct(results.untracedLat, 50).toFixed(1)} ms   p99 ${pct(results.untracedLat, 99).toFixed(1)} ms`);
    console.log(`  throughput with tracing / without: ${(on / off).toFixed(3)}  → tracing costs ${((1 - on / off) * 100).toFixed(1)} % of throughput   (target < 5 %)`);
  } finally {
    await Promise.all([traced, untraced].map(stopChild));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

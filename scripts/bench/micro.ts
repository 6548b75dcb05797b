import { spawn, type ChildProcess } from 'node:child_process';
import type { ComposeService } from '../../infra/native/src/compose';
import type { AddressMap } from '../../infra/native/src/addresses';
import { httpOk, waitFor } from '../../infra/native/src/wait';
import { Latencies } from '../load/stats';

/**
 * The micro-endpoint ratio: the same service (inventory, GET /products: HTTP + Postgres) started
 * twice beside the stack, with the OpenTelemetry SDK on and off, loaded alternately (ABAB) by
 * `concurrency` closed-loop clients. It isolates the SDK's cost per request from everything else.
 */
export interface MicroResult {
  tracedRps: number[];
  untracedRps: number[];
  /** traced / untraced of each pair. */
  ratios: number[];
  traced: { p50Ms: number; p99Ms: number };
  untraced: { p50Ms: number; p99Ms: number };
}

const PORTS = { traced: [18_182, 19_182], untraced: [18_183, 19_183] } as const;

function startInventory(
  root: string,
  services: ComposeService[],
  addresses: AddressMap,
  traced: boolean,
  extra: Record<string, string>,
): ChildProcess {
  const inventory = services.find((s) => s.name === 'inventory')!;
  const [port, metricsPort] = traced ? PORTS.traced : PORTS.untraced;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...addresses.mapEnvironment(inventory.environment, 'inventory'),
    PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    OTEL_SERVICE_NAME: 'inventory-bench',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...extra,
    OTEL_SDK_DISABLED: traced ? 'false' : 'true',
    // BENCH_TRACED_ENV='K=V,K2=V2' changes the traced instance only: compare configurations.
    ...(traced
      ? Object.fromEntries(
          (process.env.BENCH_TRACED_ENV ?? '')
            .split(',')
            .filter(Boolean)
            .map((kv) => kv.split('=') as [string, string]),
        )
      : {}),
  };
  return spawn('node', ['--require', './packages/telemetry/dist/register.js', 'services/inventory/dist/main.js'], {
    cwd: root,
    env,
    stdio: 'ignore',
  });
}

/** SIGTERM, then SIGKILL after 10 s: the benchmark leaves no process behind. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function round(url: string, concurrency: number, roundMs: number, latencies: Latencies): Promise<number> {
  let ok = 0;
  const end = performance.now() + roundMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        if (res.ok) {
          ok++;
          latencies.record(performance.now() - t);
        }
      }
    }),
  );
  return ok / (roundMs / 1000);
}

/** `env`: extra environment for both instances (the bench's `--env`). */
export async function microBenchmark(
  root: string,
  services: ComposeService[],
  addresses: AddressMap,
  { pairs, roundMs, concurrency }: { pairs: number; roundMs: number; concurrency: number },
  env: Record<string, string> = {},
): Promise<MicroResult> {
  const traced = startInventory(root, services, addresses, true, env);
  const untraced = startInventory(root, services, addresses, false, env);
  const urls = { traced: `http://127.0.0.1:${PORTS.traced[0]}/products`, untraced: `http://127.0.0.1:${PORTS.untraced[0]}/products` };
  try {
    for (const [port] of [PORTS.traced, PORTS.untraced])
      await waitFor(`bench inventory on ${port}`, () => httpOk(`http://127.0.0.1:${port}/readyz`), 30_000);
    const warmup = new Latencies();
    await round(urls.traced, concurrency, roundMs, warmup); // JIT and connection pools
    await round(urls.untraced, concurrency, roundMs, warmup);
    const lat = { traced: new Latencies(), untraced: new Latencies() };
    const result: MicroResult = {
      tracedRps: [],
      untracedRps: [],
      ratios: [],
      traced: { p50Ms: 0, p99Ms: 0 },
      untraced: { p50Ms: 0, p99Ms: 0 },
    };
    for (let i = 0; i < pairs; i++) {
      const a = await round(urls.traced, concurrency, roundMs, lat.traced);
      const b = await round(urls.untraced, concurrency, roundMs, lat.untraced);
      result.tracedRps.push(a);
      result.untracedRps.push(b);
      result.ratios.push(a / b);
    }
    result.traced = { p50Ms: lat.traced.percentile(50), p99Ms: lat.traced.percentile(99) };
    result.untraced = { p50Ms: lat.untraced.percentile(50), p99Ms: lat.untraced.percentile(99) };
    return result;
  } finally {
    await Promise.all([traced, untraced].map(stopChild));
  }
}

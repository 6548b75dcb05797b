import { setTimeout as sleep } from 'node:timers/promises';
import { callControl } from '../../infra/native/src/control';
import type { Status } from '../../infra/native/src/supervisor';
import { runLoad, type Invariant, type LoadOptions, type LoadReport } from '../load/run';
import type { Percentiles } from '../load/stats';
import { collectorCounters, counterDelta, spansDroppedBySdk, type CollectorCounters } from './counters';
import { CpuWindow, memoryKiB } from './proc';

export type Mode = 'traced' | 'untraced';

/** How long and how hard each phase of a round runs. */
export interface RoundPlan {
  warmup: { ratePerSecond: number; durationMs: number };
  /** The latency and CPU phase: an open model at a fixed rate (the brief's 20 orders/s). */
  endToEnd: { ratePerSecond: number; durationMs: number };
  /** The capacity phase: closed loop at a fixed concurrency. */
  capacity: { concurrency: number; durationMs: number };
  settleMs: number;
}

export interface StackAccess {
  socket: string;
  /** Extra environment for the app services in every round (`npm run bench -- --env K=V`). */
  env: Record<string, string>;
  gatewayUrl: string;
  jaegerUrl: string;
  collectorMetricsUrl: string;
  serviceMetricsUrls: string[];
  adminToken: string;
}

export interface RoundResult {
  mode: Mode;
  /** Restart of the six app services with this mode's environment, to all ready. */
  restartMs: number;
  endToEnd: { ratePerSecond: number; achievedPerSecond: number; acceptedToCompleted: Percentiles; post: Percentiles; errors: number };
  cpu: { windowMs: number; ordersCompleted: number; msPerOrder: Record<string, number> };
  capacity: {
    concurrency: number;
    windowMs: number;
    accepted: number;
    completedInWindow: number;
    ordersPerSecond: number;
    post: Percentiles;
    errors: number;
  };
  /** Traced rounds only. */
  spans?: {
    perOrder: Percentiles;
    statementsPerOrder: Percentiles;
    expected: Record<string, number>;
    collectorPerOrder: number;
    hops: Record<string, Percentiles>;
  };
  spansDropped: { sdk?: number; collector?: CollectorCounters };
  /** KiB per component, sampled as the latency phase's load ended. */
  memory: Record<string, { rss: number; pss: number }>;
  invariants: Invariant[];
}

const APP_ENV: Record<Mode, Record<string, string>> = {
  // A plain restart: the compose configuration, which samples every trace (parent-based
  // always-on; the load sends no traceparent, so every order is a sampled root).
  traced: {},
  untraced: { OTEL_SDK_DISABLED: 'true' },
};

export async function restartApps(access: StackAccess, mode: Mode): Promise<{ ms: number; statuses: Status[] }> {
  const started = performance.now();
  await callControl<Status[]>(access.socket, 'POST', '/components/apps/restart', 180_000, { env: { ...access.env, ...APP_ENV[mode] } });
  const statuses = await callControl<Status[]>(access.socket, 'GET', '/status');
  return { ms: performance.now() - started, statuses };
}

/** Waits until Jaeger's accepted-spans counter stops moving: the last export batches are in. */
async function collectorQuiet(access: StackAccess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = (await collectorCounters(access.collectorMetricsUrl))?.accepted;
  while (Date.now() < deadline) {
    await sleep(750);
    const now = (await collectorCounters(access.collectorMetricsUrl))?.accepted;
    if (now === last) return;
    last = now;
  }
}

export async function runRound(access: StackAccess, plan: RoundPlan, mode: Mode, log: (line: string) => void): Promise<RoundResult> {
  const restart = await restartApps(access, mode);
  log(`${mode}: app services restarted in ${(restart.ms / 1000).toFixed(1)} s`);
  const pids = new Map(restart.statuses.filter((s) => s.pid).map((s) => [s.name, s.pid!] as [string, number]));
  pids.set('load generator', process.pid);
  const base: Omit<LoadOptions, 'model' | 'checkSpans'> = {
    gatewayUrl: access.gatewayUrl,
    jaegerUrl: access.jaegerUrl,
    adminToken: access.adminToken,
    mix: { order: 1 },
    faults: [],
    settleTimeoutMs: plan.settleMs,
  };
  const open = (p: { ratePerSecond: number; durationMs: number }) => ({
    kind: 'open' as const,
    ...p,
    arrivals: 'uniform' as const,
    maxInFlight: 2000,
  });

  // Warm-up: JIT, connection pools, consumers back in their groups after the restart.
  const warm = await runLoad({ ...base, model: open(plan.warmup), checkSpans: false });
  const collectorBefore = await collectorCounters(access.collectorMetricsUrl);

  let window: CpuWindow | undefined;
  let cpu: ReturnType<CpuWindow['stop']> | undefined;
  const memory: RoundResult['memory'] = {};
  const e2e = await runLoad({
    ...base,
    model: open(plan.endToEnd),
    checkSpans: mode === 'traced',
    hooks: {
      loadStarted: () => {
        window = new CpuWindow(pids);
      },
      loadEnded: () => {
        for (const [name, pid] of pids) if (name !== 'load generator') memory[name] = memoryKiB(pid);
      },
      // The window closes once every order settled and the collector took its last spans, so
      // each order's whole cost (the tail of its trace in Jaeger too) falls inside it.
      settled: async () => {
        await collectorQuiet(access);
        cpu = window!.stop();
      },
    },
  });
  const collectorAfter = await collectorCounters(access.collectorMetricsUrl);
  const completedInE2e = e2e.orders.completed;
  log(
    `${mode}: ${plan.endToEnd.ratePerSecond}/s for ${plan.endToEnd.durationMs / 1000} s: accepted → completed p50 ${e2e.acceptedToCompleted.p50Ms.toFixed(0)} ms, p99 ${e2e.acceptedToCompleted.p99Ms.toFixed(0)} ms`,
  );

  const capacity = await runLoad({
    ...base,
    model: { kind: 'closed', concurrency: plan.capacity.concurrency, durationMs: plan.capacity.durationMs },
    checkSpans: false,
  });
  const cap = capacityOf(capacity);
  log(
    `${mode}: capacity ${cap.ordersPerSecond.toFixed(1)} orders/s completed (${plan.capacity.concurrency} clients, ${(cap.windowMs / 1000).toFixed(0)} s)`,
  );
  const sdkDropped = mode === 'traced' ? await spansDroppedBySdk(access.serviceMetricsUrls) : undefined;
  const collectorEnd = await collectorCounters(access.collectorMetricsUrl);

  const post = (r: LoadReport) => r.endpoints.find((e) => e.endpoint === 'POST /api/orders');
  const errors = (r: LoadReport) => r.endpoints.reduce((s, e) => s + Object.values(e.errors).reduce((a, b) => a + b, 0), 0);
  return {
    mode,
    restartMs: restart.ms,
    endToEnd: {
      ratePerSecond: plan.endToEnd.ratePerSecond,
      achievedPerSecond: e2e.achievedPerSecond,
      acceptedToCompleted: e2e.acceptedToCompleted,
      post: post(e2e)!,
      errors: errors(e2e),
    },
    cpu: {
      windowMs: cpu!.elapsedMs,
      ordersCompleted: completedInE2e,
      msPerOrder: Object.fromEntries(Object.entries(cpu!.cpuMs).map(([name, ms]) => [name, ms / Math.max(1, completedInE2e)])),
    },
    capacity: { ...cap, concurrency: plan.capacity.concurrency, post: post(capacity)!, errors: errors(capacity) },
    ...(e2e.spans
      ? {
          spans: {
            perOrder: e2e.spans.spansPerOrder,
            statementsPerOrder: e2e.spans.statementsPerOrder,
            expected: e2e.spans.expected,
            hops: e2e.spans.hops,
            collectorPerOrder:
              collectorBefore && collectorAfter ? (collectorAfter.accepted - collectorBefore.accepted) / Math.max(1, completedInE2e) : NaN,
          },
        }
      : {}),
    spansDropped: { sdk: sdkDropped, collector: collectorBefore && collectorEnd ? counterDelta(collectorBefore, collectorEnd) : undefined },
    memory,
    invariants: [
      ...warm.invariants.map((i) => ({ ...i, name: `warm-up: ${i.name}` })),
      ...e2e.invariants.map((i) => ({ ...i, name: `latency phase: ${i.name}` })),
      ...capacity.invariants.map((i) => ({ ...i, name: `capacity phase: ${i.name}` })),
    ],
  };
}

/**
 * Orders per second the whole path finished during the closed-loop window: completions (the
 * order's own `completed` event) inside the window, not acceptances, so an asynchronous backlog
 * that grows behind a fast POST is not counted as throughput.
 */
function capacityOf(r: LoadReport): { windowMs: number; accepted: number; completedInWindow: number; ordersPerSecond: number } {
  const start = Date.parse(r.startedAt);
  const end = start + r.elapsedMs;
  const completedInWindow = r.settled.filter(
    (s) => s.completedAt && s.completedAt.getTime() >= start && s.completedAt.getTime() <= end,
  ).length;
  return {
    windowMs: r.elapsedMs,
    accepted: r.orders.accepted,
    completedInWindow,
    ordersPerSecond: completedInWindow / (r.elapsedMs / 1000),
  };
}

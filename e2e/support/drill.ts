import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, type LoadReport } from '../../scripts/load/run';
import { memoryKiB } from '../../scripts/bench/proc';
import { percentilesOf, type Percentiles } from '../../scripts/load/stats';
import { adminToken } from './shop';
import { gatewayUrl, jaegerQueryUrl, stackStatus } from './stack';

/**
 * A failure drill: an open-model load (`npm run load`'s machinery) at a fixed rate, and while it
 * runs, steps on a schedule (kill a broker at 10 s, start it again at 25 s). The schedule is the
 * experiment, not a wait for a condition: each step runs at its time whatever the stack does, and
 * its own completion (a start waits for the component to be ready) is recorded.
 */
export interface DrillStep {
  atMs: number;
  what: string;
  run: () => Promise<unknown>;
}

export interface Window {
  before: Percentiles;
  during: Percentiles;
  after: Percentiles;
}

export interface DrillResult {
  report: LoadReport;
  /** When each step started and finished (epoch ms). */
  steps: { what: string; startedAt: number; doneAt: number }[];
  /** POST /api/orders latency (from when it was due), by when the request was due. */
  post: Window;
  /** Placed → completed of each order (its own timeline), by when it was accepted. */
  completion: Window;
  /** Every component's memory under the load, before the first step (npm run bench's measure). */
  memory?: StackMemory;
}

export interface StackMemory {
  atMs: number;
  totalRssGiB: number;
  totalPssGiB: number;
  componentsMiB: Record<string, { rss: number; pss: number }>;
}

/**
 * RSS of each component's main process and PSS of its process tree, as npm run bench measures
 * them (scripts/bench/proc.ts), summed over the stack.
 */
async function stackMemory(atMs: number): Promise<StackMemory> {
  const componentsMiB: StackMemory['componentsMiB'] = {};
  for (const s of await stackStatus()) {
    if (!s.pid) continue;
    const m = memoryKiB(s.pid);
    componentsMiB[s.name] = { rss: Math.round(m.rss / 1024), pss: Math.round(m.pss / 1024) };
  }
  const sum = (k: 'rss' | 'pss') => Object.values(componentsMiB).reduce((t, m) => t + m[k], 0) / 1024;
  return { atMs, totalRssGiB: sum('rss'), totalPssGiB: sum('pss'), componentsMiB };
}

const POST = 'POST /api/orders';

export async function runDrill(plan: {
  ratePerSecond: number;
  durationMs: number;
  steps: DrillStep[];
  settleMs?: number;
}): Promise<DrillResult> {
  const posts: { at: number; ms: number }[] = [];
  const steps: DrillResult['steps'] = [];
  let started!: number;
  let schedule: Promise<void> = Promise.resolve();
  let memory: Promise<StackMemory> | undefined;
  // Under the full load, just before the first step breaks anything.
  const measureAt = Math.max(0, (plan.steps[0]?.atMs ?? plan.durationMs) - 1000);
  const report = await runLoad({
    gatewayUrl,
    jaegerUrl: jaegerQueryUrl,
    adminToken: adminToken(),
    mix: { order: 1 },
    faults: [],
    checkSpans: true,
    settleTimeoutMs: plan.settleMs ?? 180_000,
    model: { kind: 'open', ratePerSecond: plan.ratePerSecond, durationMs: plan.durationMs, arrivals: 'uniform', maxInFlight: 2000 },
    hooks: {
      loadStarted: () => {
        started = Date.now();
        memory = sleep(measureAt).then(() => stackMemory(measureAt));
        schedule = (async () => {
          for (const step of plan.steps) {
            await sleep(Math.max(0, started + step.atMs - Date.now()));
            const at = Date.now();
            await step.run();
            steps.push({ what: step.what, startedAt: at, doneAt: Date.now() });
          }
        })();
      },
      answered: (endpoint, ms, at) => {
        if (endpoint === POST) posts.push({ at, ms });
      },
    },
  });
  await schedule;
  const measured = await memory?.catch(() => undefined);
  const from = steps[0]?.startedAt ?? Infinity;
  const to = steps.at(-1)?.doneAt ?? Infinity;
  const window = <T>(items: T[], at: (t: T) => number, value: (t: T) => number | undefined): Window => {
    const pick = (keep: (t: number) => boolean) =>
      percentilesOf(
        items
          .filter((i) => keep(at(i)))
          .flatMap((i) => {
            const v = value(i);
            return v === undefined ? [] : [v];
          }),
      );
    return { before: pick((t) => t < from), during: pick((t) => t >= from && t <= to), after: pick((t) => t > to) };
  };
  const settled = new Map(report.settled.map((s) => [s.id, s]));
  return {
    report,
    steps,
    memory: measured,
    post: window(
      posts,
      (p) => p.at,
      (p) => p.ms,
    ),
    completion: window(
      report.placed,
      (o) => o.acceptedAt,
      (o) => {
        const s = settled.get(o.id);
        return s?.placedAt && s.completedAt ? s.completedAt.getTime() - s.placedAt.getTime() : undefined;
      },
    ),
  };
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)}` : '-');

/** One line per window: what the drill cost. */
export function describeCost(result: DrillResult): string[] {
  const line = (label: string, w: Window) =>
    `${label}: p99 before ${ms(w.before.p99Ms)} ms (n ${w.before.count}), during ${ms(w.during.p99Ms)} ms (n ${w.during.count}), after ${ms(w.after.p99Ms)} ms (n ${w.after.count}); p50 ${ms(w.before.p50Ms)} / ${ms(w.during.p50Ms)} / ${ms(w.after.p50Ms)} ms`;
  const m = result.memory;
  return [
    line('POST /api/orders', result.post),
    line('placed → completed', result.completion),
    ...(m
      ? [
          `memory ${(m.atMs / 1000).toFixed(0)} s into the load: ${m.totalRssGiB.toFixed(2)} GiB RSS (${m.totalPssGiB.toFixed(2)} GiB PSS) over ${Object.keys(m.componentsMiB).length} components`,
        ]
      : []),
    ...result.steps.map((s) => `${s.what}: took ${((s.doneAt - s.startedAt) / 1000).toFixed(1)} s`),
  ];
}

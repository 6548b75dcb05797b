import type { MicroResult } from './micro';
import type { Mode, RoundPlan, RoundResult } from './rounds';

export interface Range {
  min: number;
  median: number;
  max: number;
}

export function range(values: number[]): Range {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return { min: NaN, median: NaN, max: NaN };
  const mid = Math.floor(v.length / 2);
  return { min: v[0]!, median: v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2, max: v[v.length - 1]! };
}

export interface Target {
  figure: string;
  value: number;
  target: string;
  met: boolean;
}

export interface BenchInput {
  date: string;
  smoke: boolean;
  plan: RoundPlan & { rounds: number; micro: { pairs: number; roundMs: number; concurrency: number } };
  /** cpu and memoryGiB: recorded since December 2026 (older results lack them). */
  machine: { cores: number; cpu?: string; memoryGiB?: number; node: string; loadBefore: string; loadAfter: string };
  durationMs: number;
  /** Extra environment every round's app services ran with (`--env`), beyond docker-compose.yml. */
  env: Record<string, string>;
  startToAllReadyMs?: number;
  /** The stack's compose profiles (the cluster profile's memory budget is its own). */
  profiles: string[];
  rounds: RoundResult[];
  micro: MicroResult;
}

const of = (rounds: RoundResult[], mode: Mode) => rounds.filter((r) => r.mode === mode);
const GIB = 1024 * 1024;

/** Everything the benchmark writes to bench/results/<date>.json; the named fields are a contract. */
export function summarize(input: BenchInput) {
  const traced = of(input.rounds, 'traced');
  const untraced = of(input.rounds, 'untraced');
  const pairs = traced.map((t, i) => (untraced[i] ? t.capacity.ordersPerSecond / untraced[i]!.capacity.ordersPerSecond : NaN));
  const e2e = (rs: RoundResult[]) => ({
    p50Ms: range(rs.map((r) => r.endToEnd.acceptedToCompleted.p50Ms)).median,
    p99Ms: range(rs.map((r) => r.endToEnd.acceptedToCompleted.p99Ms)).median,
    p50MsRange: range(rs.map((r) => r.endToEnd.acceptedToCompleted.p50Ms)),
    p99MsRange: range(rs.map((r) => r.endToEnd.acceptedToCompleted.p99Ms)),
    postP99MsRange: range(rs.map((r) => r.endToEnd.post.p99Ms)),
  });
  const components = [...new Set(input.rounds.flatMap((r) => Object.keys(r.cpu.msPerOrder)))];
  const cpu = (rs: RoundResult[]) => {
    const perComponent = Object.fromEntries(components.map((c) => [c, range(rs.map((r) => r.cpu.msPerOrder[c] ?? NaN))]));
    const total = range(
      rs.map((r) =>
        Object.entries(r.cpu.msPerOrder)
          .filter(([c]) => c !== 'load generator')
          .reduce((s, [, v]) => s + v, 0),
      ),
    );
    return { perComponent, total };
  };
  const memoryRounds = traced.length ? traced : input.rounds;
  const memory = Object.fromEntries(
    Object.keys(memoryRounds[0]?.memory ?? {}).map((c) => [
      c,
      {
        rssMiB: Math.max(...memoryRounds.map((r) => r.memory[c]?.rss ?? 0)) / 1024,
        pssMiB: Math.max(...memoryRounds.map((r) => r.memory[c]?.pss ?? 0)) / 1024,
      },
    ]),
  );
  const totalRss = Math.max(...memoryRounds.map((r) => Object.values(r.memory).reduce((s, m) => s + m.rss, 0))) / GIB;
  const totalPss = Math.max(...memoryRounds.map((r) => Object.values(r.memory).reduce((s, m) => s + m.pss, 0))) / GIB;
  const dropped = {
    sdk: traced.reduce((s, r) => s + (r.spansDropped.sdk ?? NaN), 0),
    collectorRefused: traced.reduce((s, r) => s + (r.spansDropped.collector?.refused ?? NaN), 0),
    collectorFailed: traced.reduce(
      (s, r) => s + (r.spansDropped.collector?.failed ?? NaN) + (r.spansDropped.collector?.exportFailed ?? NaN),
      0,
    ),
  };
  const orderThroughputRatio = range(pairs);
  const endToEnd = { traced: e2e(traced), untraced: e2e(untraced) };
  const capacity = {
    traced: range(traced.map((r) => r.capacity.ordersPerSecond)),
    untraced: range(untraced.map((r) => r.capacity.ordersPerSecond)),
  };
  // What the POST alone accepted in the same window: the synchronous half, ahead of Kafka.
  const acceptedPerSecond = (rs: RoundResult[]) => range(rs.map((r) => r.capacity.accepted / (r.capacity.windowMs / 1000)));
  const microRatio = range(input.micro.ratios);
  const broken = input.rounds.flatMap((r, i) =>
    r.invariants.filter((x) => !x.ok).map((x) => `round ${i + 1} (${r.mode}) ${x.name}: ${x.detail}`),
  );
  const at = `at ${input.plan.endToEnd.ratePerSecond}/s`;
  // Three brokers and three more Node processes: the cluster profile's budget is 2.5 GiB.
  const memoryBudget = input.profiles.includes('cluster') ? 2.5 : 1.5;
  const targets: Target[] = [
    {
      figure: 'whole-order throughput traced/untraced (median of pairs)',
      value: orderThroughputRatio.median,
      target: '≥ 0.95',
      met: orderThroughputRatio.median >= 0.95,
    },
    {
      figure: 'micro-endpoint throughput traced/untraced (median)',
      value: microRatio.median,
      target: '≥ 0.85',
      met: microRatio.median >= 0.85,
    },
    {
      figure: `accepted → completed p99 ${at} traced, ms`,
      value: endToEnd.traced.p99Ms,
      target: '< 250',
      met: endToEnd.traced.p99Ms < 250,
    },
    {
      figure: `accepted → completed p50 ${at} traced, ms`,
      value: endToEnd.traced.p50Ms,
      target: '< 100',
      met: endToEnd.traced.p50Ms < 100,
    },
    {
      figure: 'untraced capacity, orders/s (median)',
      value: capacity.untraced.median,
      target: '≥ 100',
      met: capacity.untraced.median >= 100,
    },
    {
      figure: 'spans dropped (SDK buffers + collector refusals and failures)',
      value: dropped.sdk + dropped.collectorRefused + dropped.collectorFailed,
      target: '0',
      met: dropped.sdk + dropped.collectorRefused + dropped.collectorFailed === 0,
    },
    {
      figure: 'stack memory under load, GiB (larger of RSS and PSS totals)',
      value: Math.max(totalRss, totalPss),
      target: `< ${memoryBudget}`,
      met: Math.max(totalRss, totalPss) < memoryBudget,
    },
  ];
  return {
    date: input.date,
    smoke: input.smoke,
    machine: input.machine,
    durationMs: input.durationMs,
    env: input.env,
    profiles: input.profiles,
    plan: input.plan,
    orderThroughputRatio,
    capacity: {
      method: `closed loop, ${input.plan.capacity.concurrency} clients, ${input.plan.capacity.durationMs / 1000} s: orders completed (own completed event) inside the window per second`,
      ...capacity,
      acceptedPerSecond: { traced: acceptedPerSecond(traced), untraced: acceptedPerSecond(untraced) },
    },
    endToEnd,
    cpuMsPerOrder: { traced: cpu(traced), untraced: cpu(untraced) },
    spansPerOrder: {
      trace: range(traced.map((r) => r.spans?.perOrder.p50Ms ?? NaN)),
      collector: range(traced.map((r) => r.spans?.collectorPerOrder ?? NaN)),
      statements: range(traced.map((r) => r.spans?.statementsPerOrder.p50Ms ?? NaN)),
      expected: traced[0]?.spans?.expected,
    },
    hops: traced.at(-1)?.spans?.hops,
    spansDropped: dropped,
    memory: { components: memory, totalRssGiB: totalRss, totalPssGiB: totalPss },
    startToAllReadyMs: input.startToAllReadyMs,
    appRestartMs: { traced: range(traced.map((r) => r.restartMs)), untraced: range(untraced.map((r) => r.restartMs)) },
    micro: { ratio: microRatio, ...input.micro },
    invariants: { ok: broken.length === 0, broken },
    targets,
    rounds: input.rounds,
  };
}

export type BenchSummary = ReturnType<typeof summarize>;

const n = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const r3 = (r: Range, digits = 1) => `${n(r.min, digits)} / ${n(r.median, digits)} / ${n(r.max, digits)}`;
const mark = (met: boolean) => (met ? '✓ met' : '✗ missed');
const machine = (m: BenchSummary['machine']) =>
  [`${m.cores} cores${m.cpu ? ` (${m.cpu})` : ''}`, ...(m.memoryGiB ? [`${m.memoryGiB} GiB`] : []), `Node ${m.node}`].join(', ');

/** The markdown table of a run: bench/results/<date>.md, and the latest in docs/benchmark.md. */
export function markdown(s: BenchSummary): string {
  const t = (i: number) => s.targets[i]!;
  const cpuRows = Object.keys(s.cpuMsPerOrder.traced.perComponent).map(
    (c) =>
      `| CPU ms per order: ${c} | ${r3(s.cpuMsPerOrder.traced.perComponent[c]!)} | ${r3(s.cpuMsPerOrder.untraced.perComponent[c] ?? range([]))} | | |`,
  );
  const memRows = Object.entries(s.memory.components).map(
    ([c, m]) => `| memory: ${c}, MiB RSS (PSS with children) | ${n(m.rssMiB, 0)} (${n(m.pssMiB, 0)}) | | | |`,
  );
  return [
    `# hoptrace benchmark, ${s.date}${s.smoke ? ' (smoke: one short round each, figures not meaningful)' : ''}`,
    '',
    `Native stack, ${machine(s.machine)}; ${s.plan.rounds} rounds each of traced (100 % sampled, exported to Jaeger) and untraced (\`OTEL_SDK_DISABLED=true\` on all six services), alternating; the whole run took ${n(s.durationMs / 60_000, 1)} min.`,
    `Machine load (uptime) before: ${s.machine.loadBefore}; after: ${s.machine.loadAfter}. The machine is shared: read the spread, not one figure.`,
    ...(Object.keys(s.env).length
      ? [
          `Every round's app services also had ${Object.entries(s.env)
            .map(([k, v]) => `\`${k}=${v}\``)
            .join(', ')} (\`--env\`).`,
        ]
      : []),
    '',
    '| figure | traced min / median / max | untraced min / median / max | target | |',
    '|---|---|---|---|---|',
    `| whole-order capacity, orders/s completed (${s.capacity.method}) | ${r3(s.capacity.traced)} | ${r3(s.capacity.untraced)} | untraced ≥ 100 | ${mark(t(4).met)} |`,
    `| same window: orders accepted/s by POST /api/orders (synchronous half only) | ${r3(s.capacity.acceptedPerSecond.traced)} | ${r3(s.capacity.acceptedPerSecond.untraced)} | | |`,
    `| throughput traced / untraced (per ABAB pair) | ${r3(s.orderThroughputRatio, 3)} | | ≥ 0.95 | ${mark(t(0).met)} |`,
    `| accepted → completed p50 at ${s.plan.endToEnd.ratePerSecond} orders/s, ms | ${r3(s.endToEnd.traced.p50MsRange, 0)} | ${r3(s.endToEnd.untraced.p50MsRange, 0)} | traced < 100 | ${mark(t(3).met)} |`,
    `| accepted → completed p99 at ${s.plan.endToEnd.ratePerSecond} orders/s, ms | ${r3(s.endToEnd.traced.p99MsRange, 0)} | ${r3(s.endToEnd.untraced.p99MsRange, 0)} | traced < 250 | ${mark(t(2).met)} |`,
    `| POST /api/orders p99 at ${s.plan.endToEnd.ratePerSecond} orders/s, ms | ${r3(s.endToEnd.traced.postP99MsRange, 0)} | ${r3(s.endToEnd.untraced.postP99MsRange, 0)} | | |`,
    `| CPU ms per order: whole stack (without the load generator) | ${r3(s.cpuMsPerOrder.traced.total)} | ${r3(s.cpuMsPerOrder.untraced.total)} | | |`,
    ...cpuRows,
    `| spans per order (trace; collector's accepted / orders) | ${r3(s.spansPerOrder.trace, 0)}; ${r3(s.spansPerOrder.collector)} | | | |`,
    `| of which database statements | ${r3(s.spansPerOrder.statements, 0)} | | | |`,
    `| spans dropped: SDK (batch processor queue and export buffer) / collector refused / collector failed | ${s.spansDropped.sdk} / ${s.spansDropped.collectorRefused} / ${s.spansDropped.collectorFailed} | | 0 | ${mark(t(5).met)} |`,
    ...memRows,
    `| memory: stack total under load, GiB RSS (PSS) | ${n(s.memory.totalRssGiB, 2)} (${n(s.memory.totalPssGiB, 2)}) | | ${t(6).target} | ${mark(t(6).met)} |`,
    `| start to all-ready (last \`npm start\`), s | ${s.startToAllReadyMs === undefined ? '–' : n(s.startToAllReadyMs / 1000)} | | | |`,
    `| restart of the six app services to ready, s | ${r3({ min: s.appRestartMs.traced.min / 1000, median: s.appRestartMs.traced.median / 1000, max: s.appRestartMs.traced.max / 1000 })} | ${r3({ min: s.appRestartMs.untraced.min / 1000, median: s.appRestartMs.untraced.median / 1000, max: s.appRestartMs.untraced.max / 1000 })} | | |`,
    `| micro-endpoint (inventory GET /products) req/s, ${s.plan.micro.concurrency} clients | ${r3(range(s.micro.tracedRps), 0)} | ${r3(range(s.micro.untracedRps), 0)} | | |`,
    `| micro-endpoint traced / untraced | ${r3(s.micro.ratio, 3)} | | ≥ 0.85 | ${mark(t(1).met)} |`,
    '',
    s.invariants.ok
      ? "Every invariant held in every round (all accepted orders completed or failed, one shipment and one notification each, traces as whole as a clean order's)."
      : `Invariants broken:\n${s.invariants.broken.map((b) => `- ${b}`).join('\n')}`,
    '',
    `Reproduce: start the stack (\`npm start\`), then \`npm run bench\` (add \`-- --smoke\` for the short run \`npm test\` does). Raw figures: \`bench/results/${s.date}.json\`.`,
    '',
  ].join('\n');
}

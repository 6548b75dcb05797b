import type { LoadReport } from './run';
import type { Percentiles } from './stats';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '-').padStart(7);
const row = (label: string, p: Percentiles, extra = '') =>
  `  ${label.padEnd(34)} ${String(p.count).padStart(6)} ${ms(p.p50Ms)} ${ms(p.p90Ms)} ${ms(p.p99Ms)} ${ms(p.maxMs)}${extra ? `  ${extra}` : ''}`;
const header = (title: string) =>
  `  ${title.padEnd(34)} ${'n'.padStart(6)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}   (ms)`;

export function describeModel(model: LoadReport['model']): string {
  return model.kind === 'open'
    ? `open model: ${model.ratePerSecond} arrivals/s (${model.arrivals}) for ${model.durationMs / 1000} s`
    : `closed model: ${model.concurrency} clients${model.orders ? `, ${model.orders} orders` : ''}${model.durationMs ? ` for ${model.durationMs / 1000} s` : ''}`;
}

/** The end summary `npm run load` prints. */
export function formatReport(r: LoadReport): string {
  const lines = [
    `${describeModel(r.model)}: ${r.requests} requests in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.achievedPerSecond.toFixed(1)}/s achieved`,
    header('endpoint (latency from due time)'),
    ...r.endpoints.map((e) =>
      row(
        e.endpoint,
        e,
        Object.keys(e.errors).length
          ? `errors: ${Object.entries(e.errors)
              .map(([k, n]) => `${n}× ${k}`)
              .join(', ')}`
          : 'no errors',
      ),
    ),
    `orders: ${r.orders.accepted} accepted, ${r.orders.rejected} rejected; ${r.orders.completed} completed, ${r.orders.failed} failed, ${r.orders.unsettled} unsettled`,
    header('accepted → completed'),
    row('placed → completed (events)', r.acceptedToCompleted),
  ];
  if (r.spans) {
    lines.push(
      `spans: expected per clean order ${Object.entries(r.spans.expected)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')} (+ database statements)`,
      header('per order'),
      row('spans', r.spans.spansPerOrder),
      row('database statements', r.spans.statementsPerOrder),
      header('where the time goes (gaps)'),
      ...Object.entries(r.spans.hops).map(([hop, p]) => row(hop, p)),
    );
  }
  lines.push('invariants:', ...r.invariants.map((i) => `  ${i.ok ? '✓' : '✗'} ${i.name}: ${i.detail}`));
  return lines.join('\n');
}

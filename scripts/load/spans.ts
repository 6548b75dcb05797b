import { setTimeout as sleep } from 'node:timers/promises';
import { fromJaeger, JaegerClient, runChecks, type Trace, type TraceSpan } from '@hoptrace/traces';
import { percentilesOf, type Percentiles } from './stats';

/**
 * "The spans Jaeger received against the spans expected". Expected is read off a clean order's
 * trace, per service, placed alone before the load. Transport and domain spans (HTTP server and
 * client, router layers, Kafka send and process) are the same for every clean order and are held
 * to that count; database statements are counted but not held to it, because their number
 * legitimately depends on the order in which orders.shipped and orders.notified reach the orders
 * service (a `completed` that arrives first records `shipped` too, and the late `shipped` is a
 * no-op with fewer statements).
 */
export type SpanCounts = Record<string, number>;

const isStatement = (s: TraceSpan) =>
  s.attributes['db.system'] !== undefined || s.attributes['db.system.name'] !== undefined || s.name.startsWith('pg.');

export function transportSpans(trace: Trace): SpanCounts {
  const counts: SpanCounts = {};
  for (const s of trace.spans) if (!isStatement(s)) counts[s.service] = (counts[s.service] ?? 0) + 1;
  return counts;
}

export const statementCount = (trace: Trace) => trace.spans.filter(isStatement).length;

/** Services where the trace has fewer (missing) or more (extra) transport spans than expected. */
export function compareSpans(trace: Trace, expected: SpanCounts): { missing: SpanCounts; extra: SpanCounts } {
  const got = transportSpans(trace);
  const missing: SpanCounts = {};
  const extra: SpanCounts = {};
  for (const service of new Set([...Object.keys(expected), ...Object.keys(got)])) {
    const d = (got[service] ?? 0) - (expected[service] ?? 0);
    if (d < 0) missing[service] = -d;
    if (d > 0) extra[service] = d;
  }
  return { missing, extra };
}

/**
 * Where an order's wall time goes between services, from its trace (milliseconds):
 *   `outbox relay`: the orders COMMIT that made the outbox row visible ends → `send orders.placed`
 *     starts (the relay's polling and its query);
 *   `<topic> → <service>`: the producer's send span starts → that consumer's process span starts
 *     (the produce with acks=all, the broker, the consumer's fetch). Start to start, because a
 *     consumer may begin before the producer has its acknowledgement back.
 */
export function hopGaps(trace: Trace): Record<string, number> {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const end = (s: TraceSpan) => s.startUs + s.durationUs;
  const gaps: Record<string, number> = {};
  const placedSend = trace.spans.find((s) => s.kind === 'producer' && s.name === 'send orders.placed');
  if (placedSend) {
    const commits = trace.spans.filter(
      (s) => s.service === 'orders' && s.name.startsWith('pg.query:COMMIT') && end(s) <= placedSend.startUs,
    );
    if (commits.length) gaps['outbox relay'] = (placedSend.startUs - Math.max(...commits.map(end))) / 1000;
  }
  for (const s of trace.spans) {
    const producer = s.kind === 'consumer' && s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (producer?.kind === 'producer') gaps[`${s.name.replace(/^process /, '')} → ${s.service}`] = (s.startUs - producer.startUs) / 1000;
    if (s.kind === 'producer') gaps[`${s.name} (produce, acks=all)`] = s.durationUs / 1000;
  }
  if (trace.spans.length) gaps['whole trace'] = (Math.max(...trace.spans.map(end)) - Math.min(...trace.spans.map((s) => s.startUs))) / 1000;
  return gaps;
}

/** Reads one trace until it stops growing (services export every second), or the deadline. */
export async function settledTrace(jaeger: JaegerClient, traceId: string, timeoutMs = 30_000): Promise<Trace | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: Trace | undefined;
  let stableReads = 0;
  while (Date.now() < deadline) {
    const raw = await jaeger.getTrace(traceId, { raw: true });
    const trace = raw ? fromJaeger(raw) : undefined;
    if (trace && last && trace.spans.length === last.spans.length) stableReads++;
    else stableReads = 0;
    last = trace ?? last;
    if (stableReads >= 2) return last;
    await sleep(750);
  }
  return last;
}

/** The expected transport spans per service, from one clean order's trace; throws if it is not clean. */
export async function expectedSpans(jaeger: JaegerClient, traceId: string): Promise<{ expected: SpanCounts; total: number }> {
  const trace = await settledTrace(jaeger, traceId);
  if (!trace)
    throw new Error(`the reference order's trace ${traceId} never reached Jaeger: is tracing on (OTEL_SDK_DISABLED unset) and Jaeger up?`);
  const findings = runChecks([trace]);
  if (findings.length)
    throw new Error(`the reference order's trace ${traceId} is not clean: ${findings.map((f) => `${f.check}: ${f.message}`).join('; ')}`);
  return { expected: transportSpans(trace), total: trace.spans.length };
}

export interface SpanAudit {
  expected: SpanCounts;
  checked: number;
  /** Orders whose trace lacks expected spans at the deadline (or is absent): an invariant broken. */
  missing: { traceId: string; missing: SpanCounts }[];
  /** Orders with more transport spans than the clean one (retries, redeliveries): reported only. */
  withExtra: number;
  spansPerOrder: Percentiles;
  statementsPerOrder: Percentiles;
  hops: Record<string, Percentiles>;
}

/**
 * Reads every trace (20 at a time) and compares it with the expected spans, reading again the
 * ones still short until `timeoutMs`: late batches from the services' exporters arrive within a
 * few seconds.
 */
export async function auditSpans(jaeger: JaegerClient, traceIds: string[], expected: SpanCounts, timeoutMs = 30_000): Promise<SpanAudit> {
  const deadline = Date.now() + timeoutMs;
  const traces = new Map<string, Trace>();
  let short = [...traceIds];
  for (;;) {
    for (let i = 0; i < short.length; i += 20) {
      const batch = await Promise.all(short.slice(i, i + 20).map((id) => jaeger.getTrace(id, { raw: true }).catch(() => undefined)));
      batch.forEach((raw) => raw && traces.set(raw.traceID, fromJaeger(raw)));
    }
    short = traceIds.filter((id) => {
      const t = traces.get(id);
      return !t || Object.keys(compareSpans(t, expected).missing).length > 0;
    });
    if (short.length === 0 || Date.now() > deadline) break;
    await sleep(1000);
  }
  const all = [...traces.values()];
  const hopSamples: Record<string, number[]> = {};
  for (const t of all) for (const [hop, ms] of Object.entries(hopGaps(t))) (hopSamples[hop] ??= []).push(ms);
  return {
    expected,
    checked: traceIds.length,
    missing: short.map((traceId) => ({
      traceId,
      missing: traces.has(traceId) ? compareSpans(traces.get(traceId)!, expected).missing : { 'trace not found': 1 },
    })),
    withExtra: all.filter((t) => Object.keys(compareSpans(t, expected).extra).length > 0).length,
    spansPerOrder: percentilesOf(all.map((t) => t.spans.length)),
    statementsPerOrder: percentilesOf(all.map(statementCount)),
    hops: Object.fromEntries(Object.entries(hopSamples).map(([hop, v]) => [hop, percentilesOf(v)])),
  };
}

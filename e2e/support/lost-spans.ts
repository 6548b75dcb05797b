import { KAFKA_HOPS } from '@hoptrace/contracts';
import { fromJaeger, type Finding, type Trace } from '@hoptrace/traces';
import { readTopic } from './data';
import { jaeger } from './traces';

/**
 * What SIGKILL takes with a process: the spans its SDK had batched but not yet exported (up to
 * OTEL_BSP_SCHEDULE_DELAY, 1 s, of its work). The orders it was working on then keep every other
 * service's spans, but their trace lacks the killed instance's, and the spans of the services it
 * had already called or sent to name a parent that is not there. No exporter can save them: the
 * process gets no chance to run. This tells those findings apart from any other, strictly:
 *
 *   - every finding of the trace is a span of the killed service that is missing (missing-service)
 *     or an orphan whose lost parent was the killed service's: a consumer of a topic it produces,
 *     a server span of a service it calls, or a span of the killed instance itself that ended and
 *     was exported before the kill while its parent (the message's process span) was still open;
 *   - the order's message to the killed service was on a partition the killed instance held
 *     (its last rebalance span before the kill names its assignment), read back from the topic;
 *   - the order was accepted shortly before the kill.
 *
 * Any other finding, or one of these on any other order, stays a failure.
 */
export interface Killed {
  service: string;
  /** The service.instance.id of the killed process. */
  instance: string;
  /** Services it calls over HTTP (their server spans are children of its client spans). */
  calls: string[];
  /** The topic it consumes the orders' messages from. */
  consumes: string;
  killedAt: number;
}

/** The partitions an instance of `service` held at `at`: its last rebalance span before then. */
export async function assignmentAt(service: string, instance: string, at: number): Promise<string[]> {
  const found = await jaeger.findTraces({
    service,
    operation: `rebalance ${service}`,
    startUs: (at - 30 * 60_000) * 1000,
    endUs: at * 1000,
    limit: 200,
  });
  const mine = found
    .flatMap((raw) =>
      raw.spans.filter((s) => raw.processes[s.processID]?.tags?.some((t) => t.key === 'service.instance.id' && t.value === instance)),
    )
    .sort((a, b) => b.startTime - a.startTime);
  const assigned = mine[0]?.tags?.find((t) => t.key === 'hoptrace.kafka.partitions.assigned')?.value;
  return assigned === undefined ? [] : (JSON.parse(String(assigned)) as string[]);
}

const downstreamOf =
  (killed: Killed) =>
  (trace: Trace, spanId: string): boolean => {
    const span = trace.spans.find((s) => s.spanId === spanId);
    if (!span) return false;
    const produced = KAFKA_HOPS.filter((h) => h.producer === killed.service).map((h) => `process ${h.topic}`);
    return (span.kind === 'consumer' && produced.includes(span.name)) || (span.kind === 'server' && killed.calls.includes(span.service));
  };

/**
 * The trace ids whose findings are all the killed process' lost spans (see above); throws when a
 * trace with findings does not fit, naming why.
 */
export async function lostWithKilledProcess(
  killed: Killed,
  findings: Finding[],
  placed: { traceId: string; id: string; acceptedAt: number }[],
): Promise<Set<string>> {
  const byTrace = new Map<string, Finding[]>();
  for (const f of findings) byTrace.set(f.traceId, [...(byTrace.get(f.traceId) ?? []), f]);
  if (byTrace.size === 0) return new Set();
  const held = new Set(await assignmentAt(killed.service, killed.instance, killed.killedAt));
  const orders = placed.filter((o) => byTrace.has(o.traceId));
  const messages = await readTopic(
    killed.consumes,
    orders.map((o) => o.id),
  );
  const problems: string[] = [];
  for (const order of orders) {
    const raw = await jaeger.getTrace(order.traceId);
    const trace = raw && fromJaeger(raw);
    const own = byTrace.get(order.traceId)!;
    const isDownstream = downstreamOf(killed);
    const ofKilledInstance = (spanId: string) => {
      const span = raw?.spans.find((x) => x.spanID === spanId);
      return (
        raw?.processes[span?.processID ?? '']?.tags?.some((t) => t.key === 'service.instance.id' && t.value === killed.instance) ?? false
      );
    };
    const unexplained = own.filter(
      (f) =>
        !(f.check === 'missing-service' && f.service === killed.service) &&
        !(f.check === 'orphan-span' && trace && f.spanId !== undefined && (isDownstream(trace, f.spanId) || ofKilledInstance(f.spanId))),
    );
    const partitions = messages.filter((m) => m.key === order.id).map((m) => `${killed.consumes}/${m.partition}`);
    if (unexplained.length) problems.push(`${order.traceId}: ${unexplained.map((f) => `${f.check} ${f.message}`).join('; ')}`);
    else if (!partitions.some((p) => held.has(p)))
      problems.push(
        `${order.traceId}: its message was on ${partitions.join(', ') || 'no partition'}, not one the killed instance held (${[...held].join(', ')})`,
      );
    else if (order.acceptedAt > killed.killedAt + 1000 || order.acceptedAt < killed.killedAt - 30_000)
      problems.push(`${order.traceId}: accepted ${((order.acceptedAt - killed.killedAt) / 1000).toFixed(1)} s from the kill`);
  }
  if (problems.length) throw new Error(`findings the kill does not explain:\n  ${problems.join('\n  ')}`);
  return new Set(orders.map((o) => o.traceId));
}

import { SERVICE_NAMES, Services, Topics } from '@hoptrace/contracts';
import { CHECKS, type CheckName, type Finding } from './finding';
import { findSpans, orphans, servicesOf, type Trace, type TraceSpan } from './model';
import { checkMissingAttributes, GRPC_NAME } from './semconv';
import { checkPersonalData } from './personal-data';

export { checkMissingAttributes } from './semconv';
export { checkPersonalData } from './personal-data';

export { CHECKS, type CheckName, type Finding } from './finding';

/** Every service an order passes through, from the service descriptors. */
export const DEFAULT_EXPECTED_SERVICES = SERVICE_NAMES;

export interface CheckOptions {
  /** Services every order trace must contain. When given, every order trace is checked, finished or not. */
  expectedServices?: string[];
  /** Also expect the browser's spans (service `storefront`). */
  expectBrowser?: boolean;
}

export function checkOrphanSpans(trace: Trace): Finding[] {
  return orphans(trace).map((span) => ({
    check: 'orphan-span',
    traceId: trace.traceId,
    spanId: span.spanId,
    service: span.service,
    message: `span "${span.name}" names parent ${span.parentSpanId}, which is not in the trace`,
  }));
}

const isRoot = (span: TraceSpan): boolean => span.parentSpanId === undefined;
const isMessagingRoot = (span: TraceSpan): boolean => isRoot(span) && (span.kind === 'consumer' || span.kind === 'producer');
const isRpc = (span: TraceSpan): boolean => span.attributes['rpc.system'] !== undefined || GRPC_NAME.test(span.name);
/** hoptrace makes gRPC calls only on behalf of an order request: a call about an order starts no trace. */
const isRpcServerRoot = (span: TraceSpan): boolean =>
  isRoot(span) && span.kind === 'server' && isRpc(span) && span.attributes['order.id'] !== undefined;
const httpMethod = (span: TraceSpan): string => String(span.attributes['http.request.method'] ?? span.attributes['http.method'] ?? '');

/**
 * Order ids a trace is about. hoptrace keys every Kafka message by order id, so a message key
 * counts too: the relay's `send` span carries no order.id attribute.
 */
export function orderIdsOf(trace: Trace): Set<string> {
  const ids = new Set<string>();
  for (const span of trace.spans) {
    const id =
      span.attributes['order.id'] ??
      (span.kind === 'producer' || span.kind === 'consumer' ? span.attributes['messaging.kafka.message.key'] : undefined);
    if (id !== undefined && id !== '') ids.add(String(id));
  }
  return ids;
}

/** Reading an order (GET /api/orders/:id, the storefront's polling) rightly starts a trace of its own. */
const isReadTrace = (trace: Trace): boolean =>
  trace.spans.filter(isRoot).some((root) => ['GET', 'HEAD'].includes(httpMethod(root).toUpperCase()));

/** Traces of each order that carry its flow (not reads), earliest first. */
function orderFlows(traces: Trace[]): Map<string, Trace[]> {
  const flows = new Map<string, Trace[]>();
  for (const trace of traces) {
    if (isReadTrace(trace)) continue;
    for (const id of orderIdsOf(trace)) flows.set(id, [...(flows.get(id) ?? []), trace]);
  }
  const start = (t: Trace): number => Math.min(...t.spans.map((s) => s.startUs));
  for (const list of flows.values()) list.sort((a, b) => start(a) - start(b));
  return flows;
}

/**
 * Context lost at a Kafka, outbox or gRPC boundary shows several ways: one order's spans spread
 * over several traces (seen only when those traces are checked together); a trace that starts at
 * a consumer or producer span, since in hoptrace every message is sent on behalf of an earlier
 * request; a trace that starts at a gRPC server span about an order; and a gRPC call that was
 * answered (status code 0) with no server span under its client span, the callee's span having
 * gone to a trace of its own.
 */
export function checkSplitTraces(traces: Trace[]): Finding[] {
  const reasons = new Map<string, { span?: TraceSpan; messages: string[] }>();
  const add = (trace: Trace, message: string, span?: TraceSpan): void => {
    const entry = reasons.get(trace.traceId) ?? { span, messages: [] };
    entry.messages.push(message);
    reasons.set(trace.traceId, entry);
  };
  for (const [orderId, flow] of orderFlows(traces)) {
    const [first, ...rest] = flow;
    if (!first) continue;
    for (const trace of rest)
      add(trace, `order ${orderId} started in trace ${first.traceId} and continues here (${flow.length} traces in all)`);
  }
  for (const trace of traces) {
    for (const span of trace.spans.filter(isMessagingRoot)) {
      const link = span.links[0] ? `; it only links to ${span.links[0].traceId}/${span.links[0].spanId}` : '';
      add(trace, `the trace starts at ${span.kind} span "${span.name}" in ${span.service}: the message's context was lost${link}`, span);
    }
    for (const span of trace.spans.filter(isRpcServerRoot)) {
      add(
        trace,
        `the trace starts at gRPC server span "${span.name}" in ${span.service}: the caller's context was lost at the gRPC hop`,
        span,
      );
    }
    for (const client of trace.spans.filter((s) => s.kind === 'client' && isRpc(s) && s.attributes['rpc.grpc.status_code'] === 0)) {
      if (trace.spans.some((s) => s.parentSpanId === client.spanId && s.kind === 'server')) continue;
      add(
        trace,
        `gRPC call "${client.name}" from ${client.service} was answered, but no server span is under it: the callee's span is in another trace (context lost at the gRPC hop)`,
        client,
      );
    }
  }
  return [...reasons].map(([traceId, { span, messages }]) => ({
    check: 'split-trace',
    traceId,
    ...(span && { spanId: span.spanId, service: span.service }),
    message: messages.join('; '),
  }));
}

/** An order completed when the orders service consumed its orders.notified event. */
const completesAnOrder = (trace: Trace): boolean =>
  findSpans(trace, { service: Services.orders.name, name: `process ${Topics.orderNotified}` }).length > 0;

/**
 * Every order trace must show all services the order passed through. By default only orders that
 * completed are checked (a declined payment rightly never reaches fulfillment); completion is judged
 * over all the given traces of the order, so that a trace cut at Kafka is still held to the full list.
 */
export function checkMissingServices(traces: Trace[], options: CheckOptions = {}): Finding[] {
  const expected: string[] = [...(options.expectedServices ?? DEFAULT_EXPECTED_SERVICES)];
  if (options.expectBrowser && !expected.includes('storefront')) expected.push('storefront');
  const flows = orderFlows(traces);
  const findings: Finding[] = [];
  for (const trace of traces) {
    const ids = [...orderIdsOf(trace)];
    if (ids.length === 0 || isReadTrace(trace)) continue;
    const completed = ids.some((id) => (flows.get(id) ?? []).some(completesAnOrder));
    if (!completed && !options.expectedServices) continue;
    const present = new Set(servicesOf(trace));
    for (const service of expected.filter((s) => !present.has(s))) {
      findings.push({
        check: 'missing-service',
        traceId: trace.traceId,
        service,
        message: `order ${ids.join(', ')}: no span from ${service} in this trace (present: ${[...present].sort().join(', ')})`,
      });
    }
  }
  return findings;
}

export function runChecks(traces: Trace[], options: CheckOptions = {}): Finding[] {
  return [
    ...traces.flatMap(checkOrphanSpans),
    ...checkSplitTraces(traces),
    ...checkMissingServices(traces, options),
    ...traces.flatMap(checkMissingAttributes),
    ...traces.flatMap(checkPersonalData),
  ];
}

export function countByCheck(findings: Finding[]): Record<CheckName, number> {
  const counts = Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<CheckName, number>;
  for (const f of findings) counts[f.check] += 1;
  return counts;
}

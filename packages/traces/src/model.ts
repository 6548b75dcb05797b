import type { JaegerKeyValue, JaegerTrace, JaegerValue } from './jaeger';

/**
 * A trace as plain data, independent of Jaeger's wire shape, so that checks and end-to-end tests
 * speak OpenTelemetry's words (kind, attributes, events, links) rather than Jaeger's (tags, logs,
 * references, processes).
 */

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal' | 'unspecified';
export type AttributeValue = JaegerValue;
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  timeUs: number;
  attributes: Attributes;
}
export interface SpanLink {
  traceId: string;
  spanId: string;
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
}

export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span; may name a span absent from the trace (an orphan). */
  parentSpanId?: string;
  links: SpanLink[];
  service: string;
  name: string;
  kind: SpanKind;
  startUs: number;
  durationUs: number;
  attributes: Attributes;
  events: SpanEvent[];
}

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
}

const KINDS: readonly SpanKind[] = ['server', 'client', 'producer', 'consumer', 'internal'];

const toAttributes = (pairs: JaegerKeyValue[] | null | undefined): Attributes =>
  Object.fromEntries((pairs ?? []).map((kv) => [kv.key, kv.value]));

export function fromJaeger(trace: JaegerTrace): Trace {
  const spans = trace.spans.map((span): TraceSpan => {
    const refs = span.references ?? [];
    // The parent is the CHILD_OF reference inside this trace; Jaeger lists it first, but a span
    // with only FOLLOWS_FROM (or cross-trace) references keeps its first one as parent, as Jaeger's UI does.
    const parent = refs.find((r) => r.refType === 'CHILD_OF' && r.traceID === span.traceID) ?? refs[0];
    const attributes = toAttributes(span.tags);
    const kind = String(attributes['span.kind'] ?? '').toLowerCase() as SpanKind;
    return {
      traceId: span.traceID,
      spanId: span.spanID,
      parentSpanId: parent?.spanID,
      links: refs.filter((r) => r !== parent).map((r) => ({ traceId: r.traceID, spanId: r.spanID, refType: r.refType })),
      service: trace.processes[span.processID]?.serviceName ?? `unknown process ${span.processID}`,
      name: span.operationName,
      kind: KINDS.includes(kind) ? kind : 'unspecified',
      startUs: span.startTime,
      durationUs: span.duration,
      attributes,
      events: (span.logs ?? []).map((log) => {
        const { event, ...rest } = toAttributes(log.fields);
        return { name: String(event ?? 'log'), timeUs: log.timestamp, attributes: rest };
      }),
    };
  });
  spans.sort((a, b) => a.startUs - b.startUs);
  return { traceId: trace.traceID, spans };
}

/** OTel status ERROR reaches Jaeger as `otel.status_code=ERROR` and/or `error=true`. */
export const isError = (span: TraceSpan): boolean =>
  span.attributes['otel.status_code'] === 'ERROR' || span.attributes['error'] === true || span.attributes['error'] === 'true';

export const spanById = (trace: Trace): Map<string, TraceSpan> => new Map(trace.spans.map((s) => [s.spanId, s]));

/** Children of each span id, in start order (spans are kept sorted by start). */
export function childrenOf(trace: Trace): Map<string, TraceSpan[]> {
  const children = new Map<string, TraceSpan[]>();
  for (const span of trace.spans) {
    if (span.parentSpanId === undefined) continue;
    const list = children.get(span.parentSpanId) ?? [];
    list.push(span);
    children.set(span.parentSpanId, list);
  }
  return children;
}

/** Spans whose parent is absent from the trace: true roots and orphans. */
export function roots(trace: Trace): TraceSpan[] {
  const byId = spanById(trace);
  return trace.spans.filter((s) => s.parentSpanId === undefined || !byId.has(s.parentSpanId));
}

/** Spans that name a parent the trace does not hold. */
export function orphans(trace: Trace): TraceSpan[] {
  const byId = spanById(trace);
  return trace.spans.filter((s) => s.parentSpanId !== undefined && !byId.has(s.parentSpanId));
}

const idOf = (span: TraceSpan | string): string => (typeof span === 'string' ? span : span.spanId);

/** Ancestors of a span, nearest first. Stops at a repeated id, since broken instrumentation can make cycles. */
export function ancestors(trace: Trace, span: TraceSpan | string): TraceSpan[] {
  const byId = spanById(trace);
  const chain: TraceSpan[] = [];
  const seen = new Set<string>([idOf(span)]);
  let parentId = byId.get(idOf(span))?.parentSpanId;
  while (parentId !== undefined && !seen.has(parentId)) {
    const parent = byId.get(parentId);
    if (!parent) break;
    chain.push(parent);
    seen.add(parentId);
    parentId = parent.parentSpanId;
  }
  return chain;
}

/** 0 for a root (or orphan), 1 for its children, and so on. */
export const depth = (trace: Trace, span: TraceSpan | string): number => ancestors(trace, span).length;

export const isAncestor = (trace: Trace, ancestor: TraceSpan | string, descendant: TraceSpan | string): boolean =>
  ancestors(trace, descendant).some((s) => s.spanId === idOf(ancestor));

export const servicesOf = (trace: Trace): string[] => [...new Set(trace.spans.map((s) => s.service))].sort();

/** Spans matching every given field, e.g. findSpans(trace, { service: 'orders', name: 'process orders.notified' }). */
export const findSpans = (trace: Trace, match: Partial<Pick<TraceSpan, 'service' | 'name' | 'kind'>>): TraceSpan[] =>
  trace.spans.filter((s) => (Object.keys(match) as (keyof typeof match)[]).every((key) => s[key] === match[key]));

export function formatDuration(us: number): string {
  if (us < 1_000) return `${us}µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 2 : 1)}ms`;
  return `${(us / 1_000_000).toFixed(2)}s`;
}

/**
 * The trace as an indented tree, one span a line, for test failure messages and `--tree`:
 *   orders  process orders.notified  [consumer]  3.10ms  ERROR
 *     • exception: order abc not found
 */
export function formatTree(trace: Trace): string {
  const children = childrenOf(trace);
  const lines = [`trace ${trace.traceId}: ${trace.spans.length} spans, services ${servicesOf(trace).join(', ')}`];
  const visited = new Set<string>();
  const visit = (span: TraceSpan, level: number, orphan: boolean): void => {
    if (visited.has(span.spanId)) return;
    visited.add(span.spanId);
    const indent = '  '.repeat(level);
    const marks = [isError(span) ? 'ERROR' : '', orphan ? `ORPHAN (parent ${span.parentSpanId} missing)` : ''].filter(Boolean).join('  ');
    lines.push(`${indent}${span.service}  ${span.name}  [${span.kind}]  ${formatDuration(span.durationUs)}${marks ? `  ${marks}` : ''}`);
    for (const event of span.events) {
      const message = event.attributes['exception.message'] ?? event.attributes['message'];
      lines.push(`${indent}  • ${event.name}${message !== undefined ? `: ${String(message).split('\n')[0]}` : ''}`);
    }
    for (const child of children.get(span.spanId) ?? []) visit(child, level + 1, false);
  };
  for (const root of roots(trace)) visit(root, 1, root.parentSpanId !== undefined);
  // Spans caught in a parent cycle are reachable from no root; show them rather than drop them.
  for (const span of trace.spans) visit(span, 1, false);
  return lines.join('\n');
}

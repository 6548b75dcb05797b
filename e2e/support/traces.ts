import { expect as baseExpect } from '@playwright/test';
import { KAFKA_HOPS, SERVICE_NAMES } from '@hoptrace/contracts';
import {
  ancestors,
  findSpans,
  formatTree,
  fromJaeger,
  isAncestor,
  isError,
  JaegerClient,
  orphans,
  servicesOf,
  type AttributeValue,
  type JaegerTrace,
  type SpanEvent,
  type SpanKind,
  type Trace,
  type TraceSpan,
} from '@hoptrace/traces';
import { jaegerQueryUrl } from './stack';

/**
 * Trace assertions for the end-to-end specs, on top of @hoptrace/traces (which owns the model:
 * fromJaeger, isAncestor, orphans, formatTree). Traces are read back from Jaeger's HTTP query API.
 */

export const jaeger = new JaegerClient({ baseUrl: jaegerQueryUrl, timeoutMs: 10_000 });
/** Every service of an order's trace, and the Kafka hops between them (from the service descriptors). */
export const SERVICES = SERVICE_NAMES;
export { KAFKA_HOPS };

export type { Trace, TraceSpan };

/**
 * The span instrumentation-grpc makes for a call of a generated method, client or server side:
 * `grpc.hoptrace.payments.v1.Payments/Charge`, with the RPC attributes trace:check requires.
 */
export function rpcSpan(
  method: { name: string; parent: { typeName: string } },
  kind: 'client' | 'server',
  more: Omit<SpanMatch, 'name' | 'kind'> & { code?: number } = {},
): SpanMatch {
  const { code, attributes, ...rest } = more;
  return {
    ...rest,
    name: `grpc.${method.parent.typeName}/${method.name}`,
    kind,
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': method.parent.typeName,
      'rpc.method': method.name,
      ...(code !== undefined ? { 'rpc.grpc.status_code': code } : {}),
      ...attributes,
    },
  };
}

export async function fetchJaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  return jaeger.getTrace(traceId);
}

/** One trace by id, or undefined while Jaeger does not know it. */
export async function fetchTrace(traceId: string): Promise<Trace | undefined> {
  const raw = await jaeger.getTrace(traceId);
  return raw ? fromJaeger(raw) : undefined;
}

/** What a span must look like; every given field must match. */
export interface SpanMatch {
  service?: string;
  name?: string | RegExp;
  kind?: SpanKind;
  /** A subset of the span's attributes; a RegExp matches the value's string form. */
  attributes?: Record<string, AttributeValue | RegExp>;
  status?: 'ERROR' | 'OK';
  /** The span has an event of this name (and, if given, with these attributes). */
  event?: string | { name: string; attributes?: Record<string, AttributeValue | RegExp> };
}

const valueMatches = (actual: AttributeValue | undefined, wanted: AttributeValue | RegExp): boolean =>
  wanted instanceof RegExp
    ? actual !== undefined && wanted.test(String(actual))
    : actual === wanted || (actual !== undefined && String(actual) === String(wanted));

const attributesMatch = (actual: Record<string, AttributeValue>, wanted: Record<string, AttributeValue | RegExp> = {}) =>
  Object.entries(wanted).every(([key, value]) => valueMatches(actual[key], value));

const eventMatches = (event: SpanEvent, wanted: NonNullable<SpanMatch['event']>) =>
  typeof wanted === 'string' ? event.name === wanted : event.name === wanted.name && attributesMatch(event.attributes, wanted.attributes);

export function spanMatches(span: TraceSpan, match: SpanMatch): boolean {
  if (match.service !== undefined && span.service !== match.service) return false;
  if (match.kind !== undefined && span.kind !== match.kind) return false;
  if (match.name !== undefined && !(match.name instanceof RegExp ? match.name.test(span.name) : span.name === match.name)) return false;
  if (match.status === 'ERROR' && !isError(span)) return false;
  if (match.status === 'OK' && isError(span)) return false;
  if (!attributesMatch(span.attributes, match.attributes)) return false;
  if (match.event !== undefined && !span.events.some((e) => eventMatches(e, match.event!))) return false;
  return true;
}

export const matchSpans = (trace: Trace, match: SpanMatch): TraceSpan[] => trace.spans.filter((s) => spanMatches(s, match));

export function describeMatch(match: SpanMatch): string {
  const parts = [
    match.service ?? 'any service',
    match.name !== undefined ? `"${String(match.name)}"` : 'any span',
    match.kind ? `[${match.kind}]` : '',
    match.status ?? '',
    match.attributes ? `with ${JSON.stringify(match.attributes, (_k, v) => (v instanceof RegExp ? String(v) : v))}` : '',
    match.event
      ? `with event ${typeof match.event === 'string' ? match.event : JSON.stringify(match.event, (_k, v) => (v instanceof RegExp ? String(v) : v))}`
      : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** Every `fault.injected` event in a trace, with the span that carries it. */
export function injectedFaults(trace: Trace): { span: TraceSpan; kind: string; target: string; event: SpanEvent }[] {
  return trace.spans.flatMap((span) =>
    span.events
      .filter((e) => e.name === 'fault.injected')
      .map((event) => ({
        span,
        event,
        kind: String(event.attributes['fault.kind']),
        target: String(event.attributes['fault.target']),
      })),
  );
}

export interface TraceExpectation {
  /** Shown in the timeout message: what the trace was waiting for, e.g. "the order to complete". */
  describe: string;
  /** Services that must all have spans in the trace. */
  services?: readonly string[];
  /** Spans that must all be present. */
  spans?: SpanMatch[];
  /** Any further terminal condition. */
  until?: (trace: Trace) => boolean;
  timeoutMs?: number;
  /** How long the span count must stay unchanged once the condition holds (services export every second). */
  settleMs?: number;
}

/** What of an expectation a trace still lacks, one item a line; empty when it is met. */
export function missingFrom(trace: Trace | undefined, expectation: TraceExpectation): string[] {
  if (!trace) return ['the trace itself (Jaeger does not know it)'];
  const missing: string[] = [];
  const present = new Set(servicesOf(trace));
  const services = (expectation.services ?? []).filter((s) => !present.has(s));
  if (services.length) missing.push(`spans from ${services.join(', ')} (present: ${[...present].join(', ')})`);
  for (const match of expectation.spans ?? []) if (matchSpans(trace, match).length === 0) missing.push(`a span: ${describeMatch(match)}`);
  if (expectation.until && !expectation.until(trace)) missing.push(`the condition: ${expectation.describe}`);
  return missing;
}

export class TraceTimeout extends Error {
  constructor(
    message: string,
    readonly trace?: Trace,
  ) {
    super(message);
    this.name = 'TraceTimeout';
  }
}

/**
 * Waits until the trace meets the expectation AND its span count has not changed for `settleMs`
 * (spans of one trace reach Jaeger from six services in independent batches), then returns it.
 * On timeout, throws naming what is still missing, with the trace as a tree.
 */
export async function waitForTrace(traceId: string, expectation: TraceExpectation): Promise<Trace> {
  const { timeoutMs = 60_000, settleMs = 3_000 } = expectation;
  let lastError: Error | undefined;
  let met = false;
  const raw = await jaeger.waitForTrace(traceId, timeoutMs, {
    settleMs,
    isComplete: (t) => (met = missingFrom(fromJaeger(t), expectation).length === 0),
    // Jaeger restarting: keep polling until the deadline.
    onError: (err) => {
      lastError = err;
    },
  });
  const trace = raw && fromJaeger(raw);
  if (met && trace) return trace;
  const missing = missingFrom(trace, expectation);
  const reason = missing.length
    ? `still missing:\n  - ${missing.join('\n  - ')}`
    : `its span count was still changing (${trace?.spans.length ?? 0} spans)`;
  throw new TraceTimeout(
    `trace ${traceId} did not reach "${expectation.describe}" within ${timeoutMs / 1000} s; ${reason}` +
      `${lastError ? `\nlast Jaeger error: ${lastError.message}` : ''}${trace ? `\n${formatTree(trace)}` : ''}`,
    trace,
  );
}

/**
 * Trace ids of every trace that carries an order's flow (spans with its order.id, or Kafka
 * messages keyed by it), found by searching Jaeger per service. Reads of the order (GET
 * /api/orders/:id, the storefront's polling) start traces of their own and are left out.
 */
export async function traceIdsOfOrder(orderId: string, sinceMs: number): Promise<string[]> {
  const window = { startUs: (sinceMs - 60_000) * 1000, endUs: (Date.now() + 60_000) * 1000, limit: 50 };
  const ids = new Set<string>();
  const searches: Record<string, string>[] = [{ 'order.id': orderId }, { 'messaging.kafka.message.key': orderId }];
  for (const tags of searches) {
    for (const raw of await jaeger.findTracesInWindow({ ...window, tags, services: [...SERVICES] })) {
      const trace = fromJaeger(raw);
      const rootsAreReads = trace.spans
        .filter((s) => s.parentSpanId === undefined || !trace.spans.some((p) => p.spanId === s.parentSpanId))
        .every((root) => /^(GET|HEAD)\b/.test(root.name) || ['GET', 'HEAD'].includes(String(root.attributes['http.request.method'] ?? '')));
      if (!rootsAreReads) ids.add(raw.traceID);
    }
  }
  return [...ids];
}

const tree = (trace: Trace) => formatTree(trace);
const spanLabel = (s: TraceSpan) => `${s.service} "${s.name}" [${s.kind}]${isError(s) ? ' ERROR' : ''}`;

/**
 * Playwright matchers over a Trace:
 *   expect(trace).toHaveSpan({ service: 'payments', name: 'POST /charges', status: 'ERROR', event: 'fault.injected' })
 *   expect(trace).toHaveNoOrphanSpans()
 *   expect(trace).toHaveAncestor({ name: 'process orders.placed' }, { name: 'send orders.placed' })
 *   expect(trace).toHaveParent(rpcSpan(Payments.method.charge, 'server'), rpcSpan(Payments.method.charge, 'client'))
 * Failure messages include the trace as an indented tree.
 */
export const expect = baseExpect.extend({
  toHaveSpan(trace: Trace, match: SpanMatch, count?: number) {
    const found = matchSpans(trace, match);
    const pass = count === undefined ? found.length > 0 : found.length === count;
    const sameService = match.service ? findSpans(trace, { service: match.service }).map(spanLabel) : [];
    return {
      pass,
      name: 'toHaveSpan',
      message: () =>
        `expected trace ${trace.traceId} ${this.isNot ? 'not ' : ''}to have ${count === undefined ? 'a span' : `${count} span${count === 1 ? '' : 's'}`}: ${describeMatch(match)}` +
        `\nfound ${found.length}${found.length ? `: ${found.map(spanLabel).join(', ')}` : ''}` +
        (sameService.length ? `\nspans of ${match.service}: ${[...new Set(sameService)].join(', ')}` : '') +
        `\n${tree(trace)}`,
    };
  },

  toHaveNoOrphanSpans(trace: Trace) {
    const lost = orphans(trace);
    return {
      pass: lost.length === 0,
      name: 'toHaveNoOrphanSpans',
      message: () =>
        `expected trace ${trace.traceId} to have no orphan spans; ${lost.length} name a parent it does not hold: ` +
        `${lost.map((s) => `${spanLabel(s)} → ${s.parentSpanId}`).join(', ')}\n${tree(trace)}`,
    };
  },

  /** Every span matching `child` (at least one) has, as its own parent, a span matching `parent`. */
  toHaveParent(trace: Trace, child: SpanMatch, parent: SpanMatch) {
    const below = matchSpans(trace, child);
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const wrong = below.filter((c) => {
      const p = c.parentSpanId ? byId.get(c.parentSpanId) : undefined;
      return !p || !spanMatches(p, parent);
    });
    return {
      pass: below.length > 0 && wrong.length === 0,
      name: 'toHaveParent',
      message: () =>
        below.length === 0
          ? `expected trace ${trace.traceId} to have a span ${describeMatch(child)}; there is none\n${tree(trace)}`
          : `expected every span ${describeMatch(child)} to be a child of a span ${describeMatch(parent)}; ${wrong.length} are not: ` +
            `${wrong.map((s) => `${spanLabel(s)} under ${s.parentSpanId && byId.get(s.parentSpanId) ? spanLabel(byId.get(s.parentSpanId)!) : 'nothing'}`).join('; ')}\n${tree(trace)}`,
    };
  },

  /** Every span matching `descendant` (at least one) has an ancestor matching `ancestor`. */
  toHaveAncestor(trace: Trace, descendant: SpanMatch, ancestor: SpanMatch) {
    const below = matchSpans(trace, descendant);
    const above = matchSpans(trace, ancestor);
    const unparented = below.filter((d) => !above.some((a) => isAncestor(trace, a, d)));
    return {
      pass: below.length > 0 && unparented.length === 0,
      name: 'toHaveAncestor',
      message: () =>
        below.length === 0
          ? `expected trace ${trace.traceId} to have a span ${describeMatch(descendant)}; there is none\n${tree(trace)}`
          : `expected every span ${describeMatch(descendant)} to descend from a span ${describeMatch(ancestor)} (${above.length} such spans); ` +
            `${unparented.length} do not: ${unparented.map((s) => `${spanLabel(s)} under ${ancestors(trace, s).map(spanLabel).join(' ← ') || 'nothing'}`).join('; ')}\n${tree(trace)}`,
    };
  },
});

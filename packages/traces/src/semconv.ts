import type { Finding } from './finding';
import { isError, type Trace, type TraceSpan } from './model';

/**
 * Required attributes per span category, from the OpenTelemetry semantic conventions. Each
 * requirement lists alternatives: the stable name first, then the older name still emitted by some
 * instrumentations (the browser's fetch instrumentation, older pg/http releases).
 * Checked against live spans of the native stack on 2026-11-26: instrumentation-http and
 * instrumentation-pg emit the stable names, instrumentation-kafkajs 0.32 the messaging ones; and
 * again on 2026-12-01 after the move to OpenTelemetry JS 3 (http 0.300, undici 0.34, pg 0.77,
 * kafkajs 0.33, koa 0.72): every server-side span name and attribute key unchanged.
 * gRPC (instrumentation-grpc 0.300.0, checked against live spans on 2026-12-01): spans named
 * `grpc.<package.Service>/<Method>`, with rpc.system=grpc, rpc.service (the full service name),
 * rpc.method (the method alone) and rpc.grpc.status_code (an int, 0 for OK) on client and server.
 * Those are the pre-1.37 RPC conventions: this release has no newer RPC names to emit, and it
 * reads no OTEL_SEMCONV_STABILITY_OPT_IN (the variable changes nothing on its spans), so these are
 * the names required; a move to rpc.system.name / rpc.response.status_code is a release away.
 */

type Category = 'http-server' | 'http-client' | 'rpc-server' | 'rpc-client' | 'messaging' | 'database';

interface Requirement {
  anyOf: string[];
  /** Skip the requirement for this span (e.g. no status code on a client call that failed). */
  unless?: (span: TraceSpan) => boolean;
  /** A required value, compared case-insensitively. */
  equals?: string;
}

const HTTP_METHOD = ['http.request.method', 'http.method'];
const HTTP_STATUS = ['http.response.status_code', 'http.status_code'];

const RPC: Requirement[] = [
  { anyOf: ['rpc.system'], equals: 'grpc' },
  { anyOf: ['rpc.service'] },
  { anyOf: ['rpc.method'] },
  // Set on every ended call, failed ones too (DEADLINE_EXCEEDED is 4, UNAVAILABLE 14).
  { anyOf: ['rpc.grpc.status_code'] },
];

const REQUIREMENTS: Record<Category, Requirement[]> = {
  'http-server': [{ anyOf: HTTP_METHOD }, { anyOf: HTTP_STATUS }, { anyOf: ['url.path', 'http.target', 'http.route'] }],
  'http-client': [
    { anyOf: HTTP_METHOD },
    // A request that never got an answer (refused, timed out) has no status; it is an error instead.
    { anyOf: HTTP_STATUS, unless: isError },
    { anyOf: ['server.address', 'url.full', 'http.url', 'net.peer.name'] },
  ],
  'rpc-server': RPC,
  'rpc-client': RPC,
  messaging: [
    { anyOf: ['messaging.system'], equals: 'kafka' },
    { anyOf: ['messaging.destination.name', 'messaging.destination'] },
    // hoptrace keys every message by order id; the key is how a message is found from an order.
    // A poll span covers a whole batch, so it has no single key.
    {
      anyOf: ['messaging.kafka.message.key', 'messaging.kafka.message_key'],
      unless: (s) => s.name.startsWith('poll '),
    },
  ],
  database: [{ anyOf: ['db.system.name', 'db.system'] }, { anyOf: ['db.namespace', 'db.name'] }],
};

const MESSAGING_NAME = /^(send|process|poll|publish|receive) /;
/** instrumentation-grpc's span names: `grpc.hoptrace.payments.v1.Payments/Charge`. */
export const GRPC_NAME = /^grpc\.[\w.]+\/\w+$/;
const HTTP_VERB_NAME = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/;

const has = (span: TraceSpan, key: string): boolean => {
  const value = span.attributes[key];
  return value !== undefined && value !== '';
};

/** The category a span must satisfy, or undefined for spans no convention applies to (koa layers, manual steps). */
export function categorize(span: TraceSpan): Category | undefined {
  if (has(span, 'messaging.system') || MESSAGING_NAME.test(span.name)) return 'messaging';
  if (has(span, 'db.system') || has(span, 'db.system.name')) return 'database';
  // A span named like a gRPC call is held to the RPC conventions even when it lacks them all.
  if ((has(span, 'rpc.system') || GRPC_NAME.test(span.name)) && (span.kind === 'server' || span.kind === 'client'))
    return `rpc-${span.kind}`;
  // hoptrace serves nothing else but HTTP, so every other server span is an HTTP server span.
  if (span.kind === 'server') return 'http-server';
  const looksHttp =
    Object.keys(span.attributes).some((k) => k.startsWith('http.') || k.startsWith('url.')) || HTTP_VERB_NAME.test(span.name);
  if (span.kind === 'client' && looksHttp) return 'http-client';
  return undefined;
}

export function missingAttributes(span: TraceSpan): string[] {
  const category = categorize(span);
  if (!category) return [];
  const problems: string[] = [];
  for (const requirement of REQUIREMENTS[category]) {
    if (requirement.unless?.(span)) continue;
    const present = requirement.anyOf.find((key) => has(span, key));
    const names = requirement.anyOf.join(' or ');
    if (!present) problems.push(`lacks ${names}`);
    else if (requirement.equals && String(span.attributes[present]).toLowerCase() !== requirement.equals) {
      problems.push(`has ${present}=${String(span.attributes[present])}, expected ${requirement.equals}`);
    }
  }
  return problems.map((p) => `${category} span "${span.name}" ${p}`);
}

export function checkMissingAttributes(trace: Trace): Finding[] {
  return trace.spans.flatMap((span) =>
    missingAttributes(span).map((message) => ({
      check: 'missing-attribute' as const,
      traceId: trace.traceId,
      spanId: span.spanId,
      service: span.service,
      message,
    })),
  );
}

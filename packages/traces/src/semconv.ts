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
 */

type Category = 'http-server' | 'http-client' | 'messaging' | 'database';

interface Requirement {
  anyOf: string[];
  /** Skip the requirement for this span (e.g. no status code on a client call that failed). */
  unless?: (span: TraceSpan) => boolean;
  /** A required value, compared case-insensitively. */
  equals?: string;
}

const HTTP_METHOD = ['http.request.method', 'http.method'];
const HTTP_STATUS = ['http.response.status_code', 'http.status_code'];

const REQUIREMENTS: Record<Category, Requirement[]> = {
  'http-server': [
    { anyOf: HTTP_METHOD },
    { anyOf: HTTP_STATUS },
    { anyOf: ['url.path', 'http.target', 'http.route'] },
  ],
  'http-client': [
    { anyOf: HTTP_METHOD },
    // A request that never got an answer (refused, timed out) has no status; it is an error instead.
    { anyOf: HTTP_STATUS, unless: isError },
    { anyOf: ['server.address', 'url.full', 'http.url', 'net.peer.name'] },
  ],
  messaging: [
    { anyOf: ['messaging.system'], equals: 'kafka' },
    { anyOf: ['messaging.destination.name', 'messaging.destination'] },
    // hoptrace keys every message by order id; the key is how a message is found from an order.
    // A poll span covers a whole batch, so it has no single key.
    { anyOf: ['messaging.kafka.message.key', 'messaging.kafka.message_key'], unless: (s) => s.name.startsWith('poll ') },
  ],
  database: [
    { anyOf: ['db.system.name', 'db.system'] },
    { anyOf: ['db.namespace', 'db.name'] },
  ],
};

const MESSAGING_NAME = /^(send|process|poll|publish|receive) /;
const HTTP_VERB_NAME = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/;

const has = (span: TraceSpan, key: string): boolean => {
  const value = span.attributes[key];
  return value !== undefined && value !== '';
};

/** The category a span must satisfy, or undefined for spans no convention applies to (koa layers, manual steps). */
export function categorize(span: TraceSpan): Category | undefined {
  if (has(span, 'messaging.system') || MESSAGING_NAME.test(span.name)) return 'messaging';
  if (has(span, 'db.system') || has(span, 'db.system.name')) return 'database';
  // hoptrace serves nothing but HTTP, so every server span is an HTTP server span.
  if (span.kind === 'server') return 'http-server';
  const looksHttp = Object.keys(span.attributes).some((k) => k.startsWith('http.') || k.startsWith('url.')) || HTTP_VERB_NAME.test(span.name);
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

import { DependencyUnavailable, NotFound } from '@hoptrace/kit';
import type { OrderTrace } from '@hoptrace/contracts';
import { fromJaeger, isError, JaegerClient, type Trace } from '@hoptrace/traces';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/** The shape the storefront's waterfall reads (GET /api/orders/:id/trace): offsets from the trace's start. */
export function toTraceView(trace: Trace): OrderTrace {
  const start = Math.min(...trace.spans.map((s) => s.startUs));
  return {
    traceId: trace.traceId,
    spans: trace.spans.map((s) => {
      const { 'span.kind': _kind, ...attributes } = s.attributes;
      return {
        spanId: s.spanId,
        ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
        service: s.service,
        name: s.name,
        ...(s.kind !== 'unspecified' ? { kind: s.kind } : {}),
        startOffsetUs: s.startUs - start,
        durationUs: s.durationUs,
        error: isError(s),
        attributes,
        events: s.events.map((e) => ({ name: e.name, offsetUs: e.timeUs - start, attributes: e.attributes })),
      };
    }),
  };
}

/** Reads one trace from Jaeger's HTTP query API; the read itself is not traced. */
export async function fetchTrace(jaeger: JaegerClient, traceId: string): Promise<Trace> {
  const raw = await context
    .with(suppressTracing(context.active()), () => jaeger.getTrace(traceId))
    .catch((err: Error) => {
      throw new DependencyUnavailable('jaeger', err.message);
    });
  if (!raw || raw.spans.length === 0) throw new NotFound(`trace ${traceId}`);
  return fromJaeger(raw);
}

import { DependencyUnavailable, NotFound } from '@hoptrace/kit';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

type Value = string | number | boolean;
type JaegerTag = { key: string; value: Value };
type JaegerSpan = {
  spanID: string; operationName: string; references?: { refType: string; spanID: string }[]; startTime: number; duration: number;
  tags?: JaegerTag[]; logs?: { timestamp: number; fields: JaegerTag[] }[]; processID: string;
};
type JaegerTrace = { traceID: string; spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> };

/** The shape the storefront's waterfall reads (GET /api/orders/:id/trace). */
export interface TraceSpanView {
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind?: string;
  startOffsetUs: number;
  durationUs: number;
  error: boolean;
  attributes: Record<string, Value>;
  events: { name: string; offsetUs: number; attributes: Record<string, Value> }[];
}

const tags = (list: JaegerTag[] = []) => Object.fromEntries(list.map((t) => [t.key, t.value]));

export function toTraceView(trace: JaegerTrace): { traceId: string; spans: TraceSpanView[] } {
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  return {
    traceId: trace.traceID,
    spans: trace.spans.map((s) => {
      const attributes = tags(s.tags);
      const { 'span.kind': kind, ...rest } = attributes;
      return {
        spanId: s.spanID,
        parentSpanId: s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID,
        service: trace.processes[s.processID]?.serviceName ?? 'unknown',
        name: s.operationName,
        ...(typeof kind === 'string' ? { kind } : {}),
        startOffsetUs: s.startTime - start,
        durationUs: s.duration,
        error: attributes['otel.status_code'] === 'ERROR' || attributes.error === true,
        attributes: rest,
        events: (s.logs ?? []).map((log) => {
          const { event, ...fields } = tags(log.fields);
          return { name: String(event ?? 'event'), offsetUs: log.timestamp - start, attributes: fields };
        }),
      };
    }),
  };
}

/** Reads one trace from Jaeger's HTTP query API; the read itself is not traced. */
export async function fetchTrace(queryUrl: string, traceId: string): Promise<JaegerTrace> {
  const res = await context.with(suppressTracing(context.active()), () =>
    fetch(new URL(`/api/traces/${encodeURIComponent(traceId)}`, queryUrl), { signal: AbortSignal.timeout(3000) }))
    .catch((err: Error) => { throw new DependencyUnavailable('jaeger', err.name === 'TimeoutError' ? 'no answer within 3000 ms' : err.message); });
  if (res.status === 404) throw new NotFound(`trace ${traceId}`);
  if (!res.ok) throw new DependencyUnavailable('jaeger', `answered ${res.status}`);
  const body = (await res.json()) as { data?: JaegerTrace[] };
  const trace = body.data?.[0];
  if (!trace || trace.spans.length === 0) throw new NotFound(`trace ${traceId}`);
  return trace;
}

import { trace } from '@opentelemetry/api';

/** The trace id of the active span, or undefined outside a sampled trace. */
export function activeTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== '00000000000000000000000000000000' ? ctx.traceId : undefined;
}

/** W3C Trace Context Level 2 `traceresponse` value for the active span. */
export function traceResponseHeader(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 1) === 1 ? '01' : '00'}`;
}

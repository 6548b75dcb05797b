import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { formatTraceparent, outgoingTraceFlags } from './traceparent';

/** The trace id of the active span, or undefined outside a sampled trace. */
export function activeTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== '00000000000000000000000000000000' ? ctx.traceId : undefined;
}

/**
 * The `traceresponse` value for the active span: `00-<trace-id>-<span-id>-<flags>`, with the flags
 * the span would send downstream (sampled, random-trace-id). Level 2 defines no response header;
 * this is the Level 3 draft's `traceresponse` (docs/w3c-trace-context.md says why we keep it).
 */
export function traceResponseHeader(): string | undefined {
  const ctx = context.active();
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  return formatTraceparent(span.traceId, span.spanId, outgoingTraceFlags(ctx, span));
}

/**
 * Names the HTTP server span of the request in hand by its route (`POST /orders/:id`, with
 * http.route), as the Koa instrumentation's router-layer spans did: the preload skips those spans
 * (one per routed function, 7 of an order's 57), so the app says which route matched.
 */
export function setHttpRoute(route: string): void {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = route;
}

import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

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

/**
 * Names the HTTP server span of the request in hand by its route (`POST /orders/:id`, with
 * http.route), as the Koa instrumentation's router-layer spans did: the preload skips those spans
 * (one per routed function, 7 of an order's 57), so the app says which route matched.
 */
export function setHttpRoute(route: string): void {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = route;
}

import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { propagatorFromEnv } from '@hoptrace/telemetry';
import type { IncomingMessage, RequestListener } from 'node:http';

/**
 * What the telemetry preload and the HTTP instrumentation do for a real service, in-process: an
 * async context, our W3C propagators, and a server span per request made from the extracted
 * context; spans are kept in memory so a test can read the `fault.injected` events.
 */
export const spans = new InMemorySpanExporter();
let installed = false;

export function installTelemetry(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagatorFromEnv());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
}

/** A request listener that runs `handler` in a server span continuing the request's trace headers. */
export function traced(handler: RequestListener): RequestListener {
  installTelemetry();
  return (req: IncomingMessage, res) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    trace.getTracer('test').startActiveSpan(`${req.method} ${req.url}`, { kind: 1 }, parent, (span) => {
      res.once('close', () => span.end());
      handler(req, res);
    });
  };
}

export const finishedSpans = (): ReadableSpan[] => spans.getFinishedSpans();
export const injectedFaults = (traceId: string) =>
  finishedSpans()
    .filter((s) => s.spanContext().traceId === traceId)
    .flatMap((s) => s.events.filter((e) => e.name === 'fault.injected').map((e) => `${s.name}: ${String(e.attributes?.['fault.kind'])}`));

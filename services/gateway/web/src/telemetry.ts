import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { TraceContextPropagator } from '@hoptrace/telemetry/propagators';
import { CompositePropagator, W3CBaggagePropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/**
 * Browser tracing: page loads, fetches and the shopper's own steps (placing an order) become
 * spans, and same-origin fetches carry `traceparent`, so an order's trace starts in the browser.
 *
 * OpenTelemetry JS 3 has one trace SDK for every runtime (`@opentelemetry/sdk-trace`); the web
 * tracer provider and the user-interaction instrumentation were not carried over (the latter is
 * being retired upstream), so the provider is registered by hand and the shopper's steps are
 * spans of our own (`traceUserStep`).
 *
 * No zone.js: the context only lives through synchronous code, so a step runs its requests
 * inside `context.with` and they start before any `await`.
 *
 * Nothing here records form values or bodies: fetch records method, URL and status.
 */

// Incubating in the semantic conventions (their advice: copy, do not import the incubating entry).
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const ATTR_SERVICE_NAMESPACE = 'service.namespace';

/** Same origin: the gateway forwards it to the collector, which is never exposed to the browser. */
const TRACES_PATH = '/otlp/v1/traces';

const tracer = trace.getTracer('@hoptrace/storefront');

export function startTelemetry(): TracerProvider {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'storefront',
      [ATTR_SERVICE_NAMESPACE]: 'hoptrace',
      [ATTR_SERVICE_VERSION]: __STOREFRONT_VERSION__,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: __HOPTRACE_ENVIRONMENT__,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: TRACES_PATH }),
        // Its built-in flush listens for visibilitychange only; flushOnPageHide below also
        // listens for `pagehide` on window, where an unload is announced.
        disableAutoFlushOnDocumentHide: true,
      }),
    ],
  });
  // What 2.x's WebTracerProvider#register() did: W3C trace context + baggage, stack context. The
  // trace context is hoptrace's Level 2 propagator, so the traces the browser starts go out with
  // the random-trace-id flag (the SDK's trace ids are random; its own propagator never says so).
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new TraceContextPropagator(), new W3CBaggagePropagator()] }));

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new FetchInstrumentation({
        // The exporter's own requests bypass the instrumentation already; this keeps it that way
        // should the export path ever go through a patched fetch.
        ignoreUrls: [/\/otlp\//],
        // Per-request resource timing events (fetchStart, connectEnd…) would crowd the order's
        // waterfall; the span's own duration is what the page shows.
        ignoreNetworkEvents: true,
      }),
    ],
  });

  flushOnPageHide(provider);
  return provider;
}

/**
 * A step the shopper takes (e.g. `submit order`) as a span whose children are the requests `run`
 * makes: `run` must start them synchronously (no zone.js), as a fetch call does.
 */
export async function traceUserStep<T>(name: string, run: () => Promise<T>): Promise<T> {
  const span = tracer.startSpan(name);
  try {
    return await context.with(trace.setSpan(context.active(), span), run);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

/** Spans still queued when the tab is hidden or the page unloads would otherwise be lost. */
function flushOnPageHide(provider: TracerProvider): void {
  const flush = () =>
    void provider.forceFlush().catch(() => {
      /* best effort: the page is going away */
    });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('pagehide', flush);
}

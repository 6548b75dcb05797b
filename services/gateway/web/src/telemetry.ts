import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { UserInteractionInstrumentation } from '@opentelemetry/instrumentation-user-interaction';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/**
 * Browser tracing: clicks, form submits, page loads and fetches become spans, and same-origin
 * fetches carry `traceparent`, so an order's trace starts at the user's submit.
 *
 * No zone.js: the context only lives through synchronous code. Handlers that call the API after an
 * `await` must capture `context.active()` first (see the checkout submit in views/shop-page.ts).
 *
 * Nothing here records form values or bodies: user-interaction records the event type, the
 * target's tag and XPath and the page URL; fetch records method, URL and status.
 */

// Incubating in the semantic conventions (their advice: copy, do not import the incubating entry).
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
const ATTR_SERVICE_NAMESPACE = 'service.namespace';

/** Same origin: the gateway forwards it to the collector, which is never exposed to the browser. */
const TRACES_PATH = '/otlp/v1/traces';

export function startTelemetry(): WebTracerProvider {
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'storefront',
      [ATTR_SERVICE_NAMESPACE]: 'hoptrace',
      [ATTR_SERVICE_VERSION]: __STOREFRONT_VERSION__,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: __HOPTRACE_ENVIRONMENT__,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: TRACES_PATH }), {
      // Its built-in flush listens for `pagehide` on document, where the event never fires
      // (it is dispatched on window); flushOnPageHide below listens in the right places.
      disableAutoFlushOnDocumentHide: true,
    })],
  });
  // Defaults: StackContextManager, and W3C trace context + baggage propagators.
  provider.register();

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new UserInteractionInstrumentation({
        eventNames: ['click', 'submit'],
        // The submit span already stands for a click on a submit button; without this the click
        // would be a lone one-span trace next to the order's trace.
        shouldPreventSpanCreation: (eventType, element) => eventType === 'click' && isFormSubmitter(element),
      }),
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

function isFormSubmitter(element: HTMLElement): boolean {
  const button = element.closest('button, input[type="submit"], input[type="image"]');
  if (button instanceof HTMLButtonElement) return button.type === 'submit' && button.form !== null;
  return button instanceof HTMLInputElement && button.form !== null;
}

/** Spans still queued when the tab is hidden or the page unloads would otherwise be lost. */
function flushOnPageHide(provider: WebTracerProvider): void {
  const flush = () => void provider.forceFlush().catch(() => { /* best effort: the page is going away */ });
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
  window.addEventListener('pagehide', flush);
}

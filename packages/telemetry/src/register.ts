/**
 * The OpenTelemetry preload every service starts with: `node --require @hoptrace/telemetry/dist/register.js`.
 * It must run before koa, kafkajs, pg or http are first required, so that auto-instrumentation can
 * patch them (CommonJS require hooks; see the README on why the services are CommonJS).
 *
 * Configured by the standard OTEL_* variables (service name, resource attributes, OTLP endpoint,
 * propagators, batch span processor, exporters). Defaults set here only where unset:
 *   OTEL_NODE_ENABLED_INSTRUMENTATIONS  http,undici,koa,kafkajs,pg,pino,runtime-node (no fs, dns, net:
 *                                       orphan or costly spans; ask for them by listing them)
 *   OTEL_NODE_RESOURCE_DETECTORS        env,host,serviceinstance (service.instance.id)
 *   OTEL_LOGS_EXPORTER                  none (Jaeger accepts traces only)
 *   OTEL_METRICS_EXPORTER               prometheus (scraped from OTEL_EXPORTER_PROMETHEUS_PORT)
 * OTEL_PROPAGATORS (default tracecontext,baggage) picks hoptrace's W3C propagators: a conformant
 * `tracestate` and the W3C Baggage limits (see propagators.ts).
 */
import { trace, type ProxyTracerProvider, type Span } from '@opentelemetry/api';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BufferedSpanExporter } from './buffered-exporter';
import { propagatorFromEnv } from './propagators';
import { FLUSH_HOOK, SHUTDOWN_HOOK } from './shutdown';

const defaults: Record<string, string> = {
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,koa,kafkajs,pg,pino,runtime-node',
  OTEL_NODE_RESOURCE_DETECTORS: 'env,host,serviceinstance',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'prometheus',
  OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

/**
 * Probes, scrapes and the telemetry plumbing itself (browser spans relayed to the collector, the
 * storefront reading a trace back) are not traffic worth a trace.
 */
const UNTRACED_PATHS = /^\/(healthz|readyz|metrics|otlp\/)|^\/api\/orders\/[^/]+\/trace(\?|$)/;

/** Messages on our topics are keyed by order id: say so on the span, so a trace is findable by order. */
const tagOrder = (span: Span, { topic, message }: { topic: string; message: { key?: Buffer | string | null } }) => {
  if (topic.startsWith('orders.') && message.key) span.setAttribute('order.id', String(message.key));
};

/**
 * Built here rather than from OTEL_METRICS_EXPORTER so that every series carries the service,
 * instance and environment as labels (withResourceConstantLabels): dashboards select on them.
 */
function prometheusReaders(): PrometheusExporter[] {
  if (process.env.OTEL_METRICS_EXPORTER !== 'prometheus') return [];
  process.env.OTEL_METRICS_EXPORTER = 'none';
  return [new PrometheusExporter({
    host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST,
    port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464),
    withResourceConstantLabels: /^(service\.name|service\.instance\.id|deployment\.environment\.name)$/,
  })];
}

/**
 * OTLP over HTTP/protobuf (the default), behind a buffer that keeps spans while the collector is
 * down; any other OTEL_TRACES_EXPORTER or protocol is left to the SDK as configured.
 */
function bufferedTraceExporter(): BufferedSpanExporter | undefined {
  const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if ((process.env.OTEL_TRACES_EXPORTER ?? 'otlp') !== 'otlp' || protocol !== 'http/protobuf') return undefined;
  return new BufferedSpanExporter(new OTLPTraceExporter());
}

/** The version of the service being started: its nearest package.json. */
function serviceVersion(): string {
  let dir = dirname(resolve(process.argv[1] ?? '.'));
  for (let depth = 0; depth < 6; depth++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown');
  }
  return 'unknown';
}

/**
 * The runtime, as the semantic conventions name it (process.runtime.*, incubating: copied, not
 * imported), so every span and /metrics' target_info say which Node ran the service. Not the whole
 * `process` detector: its command line and owner say more about the machine than a trace needs.
 */
const runtimeAttributes = { 'process.runtime.name': 'nodejs', 'process.runtime.version': process.versions.node };

const metricReaders = prometheusReaders();
const traceExporter = bufferedTraceExporter();
const sdk = new NodeSDK({
  ...(metricReaders.length ? { metricReaders } : {}),
  ...(traceExporter ? { traceExporter } : {}),
  textMapPropagator: propagatorFromEnv(process.env.OTEL_PROPAGATORS),
  // The instrumentations' own HTTP, database and messaging duration histograms repeat what
  // Jaeger's spanmetrics already derive from the spans, at a cost on every request: dropped.
  views: ['http.*', 'db.*', 'messaging.*'].map((instrumentName) => ({ instrumentName, aggregation: { type: AggregationType.DROP } })),
  // On top of the SDK's defaults (telemetry.sdk.*), which a resource given here would replace.
  resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_VERSION]: serviceVersion(), ...runtimeAttributes })),
  instrumentations: [getNodeAutoInstrumentations({
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
    },
    // Middleware spans are noise; router layers set http.route, which names the server span.
    '@opentelemetry/instrumentation-koa': { ignoreLayersType: ['middleware' as never] },
    '@opentelemetry/instrumentation-kafkajs': { producerHook: tagOrder, consumerHook: tagOrder },
    // Statement parameters carry emails and ids: keep them out of spans.
    // requireParentSpan: background polling (the outbox relay, metric callbacks) makes no traces.
    // ignoreConnectSpans: a pool checkout is not a step worth two spans on every query.
    '@opentelemetry/instrumentation-pg': { enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true },
  })],
});
sdk.start();

(globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK] = () => sdk.shutdown();
(globalThis as Record<symbol, unknown>)[FLUSH_HOOK] = async () => {
  // NodeSDK has no forceFlush; the global provider is API 1.10's (deprecated) proxy around ours.
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as { forceFlush?: () => Promise<void> };
  await provider.forceFlush?.();
  await traceExporter?.forceFlush(2_000);
};

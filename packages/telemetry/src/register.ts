/**
 * The OpenTelemetry preload every service starts with: `node --require ./packages/telemetry/dist/register.js`.
 * It must run before koa, kafkajs, pg or http are first required, so that auto-instrumentation can
 * patch them (CommonJS require hooks; see docs/architecture.md on why the services are CommonJS).
 *
 * Configured by the standard OTEL_* variables (service name, resource attributes, OTLP endpoint,
 * propagators, batch span processor, exporters, enabled instrumentations, resource detectors),
 * and by hoptrace's own for what no OTEL_* variable says (preload-config.ts): which paths and gRPC
 * methods are not traced and which Kafka keys name what. It sets no defaults of its own and changes no
 * variable: compose's x-otel holds the values (the native runner reads it too); see docs/configuration.md.
 * OTEL_PROPAGATORS (default tracecontext,baggage) picks hoptrace's W3C propagators: Trace Context
 * Level 2 (the random-trace-id flag, Level 2's tracestate) and the W3C Baggage limits (see
 * propagators.ts and docs/w3c-trace-context.md).
 */
import { createNoopMeter, type MeterProvider, type Span } from '@opentelemetry/api';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BufferedSpanExporter } from './buffered-exporter';
import { keyAttributes, untracedGrpcMethods, untracedPaths } from './preload-config';
import { propagatorFromEnv } from './propagators';
import { SelfObservedBatchSpanProcessor } from './span-processor';
import { FLUSH_HOOK, SHUTDOWN_HOOK } from './shutdown';

// The one place the preload reads its configuration.
const env = process.env;

/** A non-negative number from a standard variable, or undefined for the SDK's default. */
const numberFrom = (name: string) => {
  const value = Number(env[name]);
  return env[name] !== undefined && env[name] !== '' && Number.isFinite(value) && value >= 0 ? value : undefined;
};

/** Probes, scrapes and the telemetry plumbing itself are not traffic worth a trace. */
const isUntraced = untracedPaths(env.HOPTRACE_UNTRACED_PATHS);

/** A message key that names something (an order) goes on the span, so a trace is findable by it. */
const keyAttribute = keyAttributes(env.HOPTRACE_KAFKA_KEY_ATTRIBUTES);
const tagKey = (span: Span, { topic, message }: { topic: string; message: { key?: Buffer | string | null } }) => {
  const attribute = keyAttribute(topic);
  if (attribute && message.key) span.setAttribute(attribute, String(message.key));
};

/**
 * For OTEL_METRICS_EXPORTER=prometheus the exporter is built here rather than by the SDK so that
 * every series carries the service, instance and environment as labels
 * (withResourceConstantLabels): dashboards select on them. Given readers, the SDK builds none from
 * the variable; any other value is left to the SDK.
 */
function prometheusReaders(): PrometheusExporter[] | undefined {
  if (env.OTEL_METRICS_EXPORTER !== 'prometheus') return undefined;
  return [
    new PrometheusExporter({
      host: env.OTEL_EXPORTER_PROMETHEUS_HOST,
      port: numberFrom('OTEL_EXPORTER_PROMETHEUS_PORT'),
      withResourceConstantLabels: /^(service\.name|service\.instance\.id|deployment\.environment\.name)$/,
    }),
  ];
}

/**
 * OTLP over HTTP/protobuf (the default), behind a buffer that keeps spans while the collector is
 * down; any other OTEL_TRACES_EXPORTER or protocol is left to the SDK as configured.
 */
function bufferedTraceExporter(): BufferedSpanExporter | undefined {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if ((env.OTEL_TRACES_EXPORTER ?? 'otlp') !== 'otlp' || protocol !== 'http/protobuf') return undefined;
  const tls = otlpTlsFiles();
  return new BufferedSpanExporter(new OTLPTraceExporter(tls ? { httpAgentOptions: tls } : undefined));
}

/**
 * The specification's OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE, _CLIENT_CERTIFICATE and _CLIENT_KEY
 * (secure mode: trust the local CA, present the service's certificate). This SDK's HTTP exporter
 * reads them for gRPC only, so the preload hands the files to its agent; unset, nothing changes.
 */
function otlpTlsFiles(): { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined {
  const file = (name: string) => {
    const path = env[`OTEL_EXPORTER_OTLP_TRACES_${name}`] || env[`OTEL_EXPORTER_OTLP_${name}`];
    return path ? readFileSync(path) : undefined;
  };
  const [ca, cert, key] = [file('CERTIFICATE'), file('CLIENT_CERTIFICATE'), file('CLIENT_KEY')];
  return ca || cert || key ? { ca, cert, key } : undefined;
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

const instrumentations = getNodeAutoInstrumentations({
  '@opentelemetry/instrumentation-http': {
    ignoreIncomingRequestHook: (req) => isUntraced(req.url ?? ''),
  },
  // Layer spans are noise: one per middleware and per routed function (7 of an order's 57 spans
  // were router layers). The route that names the server span is set by kit (setHttpRoute).
  '@opentelemetry/instrumentation-koa': { ignoreLayersType: ['middleware' as never, 'router' as never] },
  '@opentelemetry/instrumentation-kafkajs': { producerHook: tagKey, consumerHook: tagKey },
  // Health checks and reflection, as probes over HTTP are.
  '@opentelemetry/instrumentation-grpc': { ignoreGrpcMethods: untracedGrpcMethods(env.HOPTRACE_UNTRACED_GRPC_METHODS) },
  // Statement parameters carry emails and ids: keep them out of spans.
  // requireParentSpan: background polling (the outbox relay, metric callbacks) makes no traces.
  // ignoreConnectSpans: a pool checkout is not a step worth two spans on every query.
  '@opentelemetry/instrumentation-pg': {
    enhancedDatabaseReporting: false,
    requireParentSpan: true,
    ignoreConnectSpans: true,
  },
});
const metricReaders = prometheusReaders();
const traceExporter = bufferedTraceExporter();
// Ours (with the standard OTEL_BSP_* settings), so that a flush can reach it (NodeSDK exposes none)
// and so that it counts its own drops.
const spanProcessor =
  traceExporter &&
  new SelfObservedBatchSpanProcessor({
    exporter: traceExporter,
    maxQueueSize: numberFrom('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: numberFrom('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: numberFrom('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: numberFrom('OTEL_BSP_EXPORT_TIMEOUT'),
  });
const sdk = new NodeSDK({
  ...(metricReaders ? { metricReaders } : {}),
  ...(spanProcessor ? { spanProcessors: [spanProcessor] } : {}),
  textMapPropagator: propagatorFromEnv(env.OTEL_PROPAGATORS),
  // On top of the SDK's defaults (telemetry.sdk.*), which a resource given here would replace.
  resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_VERSION]: serviceVersion(), ...runtimeAttributes })),
  instrumentations,
});
sdk.start();

// The instrumentations' own HTTP, database and messaging histograms repeat what Jaeger's
// spanmetrics derive from the spans. Views that dropped them still hashed every measurement's
// attributes (sdk-metrics was 6.5 % of inventory's CPU under load, hashAttributes its busiest JS
// function): they record into nothing instead. The runtime metrics (dashboards) stay.
const noMetrics: MeterProvider = { getMeter: () => createNoopMeter() };
for (const instrumentation of instrumentations) {
  if (instrumentation.instrumentationName !== '@opentelemetry/instrumentation-runtime-node') instrumentation.setMeterProvider(noMetrics);
}

(globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK] = () => sdk.shutdown();
(globalThis as Record<symbol, unknown>)[FLUSH_HOOK] = async () => {
  await spanProcessor?.forceFlush();
  await traceExporter?.forceFlush(2_000);
};

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
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { SHUTDOWN_HOOK } from './shutdown';

const defaults: Record<string, string> = {
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,koa,kafkajs,pg,pino,runtime-node',
  OTEL_NODE_RESOURCE_DETECTORS: 'env,host,serviceinstance',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_METRICS_EXPORTER: 'prometheus',
  OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;

/** Probes and scrapes are not traffic worth a trace. */
const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)(\/|\?|$)/;

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ [ATTR_SERVICE_VERSION]: process.env.npm_package_version ?? process.env.HOPTRACE_VERSION ?? '0.1.0' }),
  instrumentations: [getNodeAutoInstrumentations({
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? ''),
    },
    // Middleware spans are noise; router layers set http.route, which names the server span.
    '@opentelemetry/instrumentation-koa': { ignoreLayersType: ['middleware' as never] },
    // Statement parameters carry emails and ids: keep them out of spans.
    '@opentelemetry/instrumentation-pg': { enhancedDatabaseReporting: false },
  })],
});
sdk.start();

(globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK] = () => sdk.shutdown();

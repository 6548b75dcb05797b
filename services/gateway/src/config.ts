import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { env, loadConfig, tlsVars } from '@hoptrace/kit';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseRateLimit } from './rate-limit';

const rateLimitVar = (fallback: string, what: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => parseRateLimit(text) !== null, 'a rate such as 100/s or 100/s,burst=200 (burst at least the rate), or 0 for none')
    .transform((text) => parseRateLimit(text) ?? undefined)
    .describe(what);

export const GatewayConfig = z.object({
  PORT: env.port(Services.gateway.port),
  INVENTORY_URL: env.url('base URL of the inventory service'),
  ORDERS_URLS: env
    .list('comma-separated base URLs of every orders instance (the gateway spreads orders over them)')
    .pipe(z.array(z.url()).min(1)),
  NOTIFICATIONS_URL: env.url('base URL of the notifications service'),
  JAEGER_UI_URL: env.url('Jaeger UI as the browser reaches it, for "View trace in Jaeger" links'),
  JAEGER_QUERY_URL: env.url("Jaeger's HTTP query API as the gateway reaches it (order trace waterfall)"),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url('the collector; browser spans are forwarded to <it>/v1/traces'),
  ORDER_TIMEOUT_MS: env.ms(5000, 'time budget of a request from the gateway on, e.g. placing an order'),
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  HOPTRACE_RATE_LIMIT: rateLimitVar('100/s,burst=200', 'per-client-address limit of the public API: <n>/s[,burst=<m>], or 0 for none'),
  HOPTRACE_OTLP_RATE_LIMIT: rateLimitVar(
    '10/s,burst=40',
    'per-client-address limit of the browser-span relay (/otlp/v1/traces): <n>/s[,burst=<m>], or 0 for none',
  ),
  HOPTRACE_W3C_HARNESS: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1')
    .describe('1 serves POST /__w3c/test, the W3C Trace Context test-service endpoint (off: 404)'),
  HTTP_TIMEOUT_MS: env.ms(2000, 'time budget of the other calls to services'),
  STOREFRONT_DIR: z
    .string()
    .default(resolve(__dirname, '..', 'web', 'dist'))
    .describe('folder of the built storefront'),
  LOG_LEVEL: env.logLevel(),
  // Secure mode: the storefront, the API and the relay over HTTPS on HTTPS_PORT; PORT redirects there.
  HTTPS_PORT: z.coerce.number().int().min(1).max(65535).optional().describe('secure mode: the HTTPS port (PORT then only redirects to it)'),
  ...tlsVars,
});

export const readConfig = () => loadConfig(GatewayConfig);

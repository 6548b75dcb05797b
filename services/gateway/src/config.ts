import { env, loadConfig } from '@hoptrace/kit';
import { resolve } from 'node:path';
import { z } from 'zod';

export const GatewayConfig = z.object({
  PORT: env.port(8080),
  INVENTORY_URL: env.url('base URL of the inventory service'),
  ORDERS_URL: env.url('base URL of the orders service'),
  NOTIFICATIONS_URL: env.url('base URL of the notifications service'),
  JAEGER_UI_URL: env.url('Jaeger UI as the browser reaches it, for "View trace in Jaeger" links'),
  JAEGER_QUERY_URL: env.url("Jaeger's HTTP query API as the gateway reaches it (order trace waterfall)"),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url('the collector; browser spans are forwarded to <it>/v1/traces'),
  ORDER_TIMEOUT_MS: env.ms(5000, 'time budget of a request from the gateway on, e.g. placing an order'),
  HOPTRACE_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').describe('bearer token of the admin API and of fault baggage; no default on purpose'),
  HTTP_TIMEOUT_MS: env.ms(2000, 'time budget of the other calls to services'),
  STOREFRONT_DIR: z.string().default(resolve(__dirname, '..', 'web', 'dist')).describe('folder of the built storefront'),
  LOG_LEVEL: env.logLevel(),
});

export const readConfig = () => loadConfig(GatewayConfig);

import { Services } from '@hoptrace/contracts';
import { FaultAdmission, FaultRules } from '@hoptrace/faults';
import { InventoryClient } from '@hoptrace/inventory/client';
import { ConfigError, createLogger, runService, tlsIdentity } from '@hoptrace/kit';
import { NotificationsClient } from '@hoptrace/notifications/client';
import { OrdersClient } from '@hoptrace/orders/client';
import { JaegerClient } from '@hoptrace/traces';
import { buildApp } from './app';
import { readConfig } from './config';

const SERVICE = Services.gateway;

void runService(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE.name, config.LOG_LEVEL);
  const identity = tlsIdentity(config);
  if (identity && config.HTTPS_PORT === undefined)
    throw new ConfigError('invalid configuration:\n  set HTTPS_PORT: secure mode serves the gateway over HTTPS on it');
  const inventory = new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS);
  const faultRules = new FaultRules();
  faultRules.observe();
  const app = buildApp({
    inventory,
    orders: new OrdersClient(config.ORDERS_URLS, config.ORDER_TIMEOUT_MS),
    notifications: new NotificationsClient(config.NOTIFICATIONS_URL, config.HTTP_TIMEOUT_MS),
    logger,
    storefrontDir: config.STOREFRONT_DIR,
    jaegerUiUrl: config.JAEGER_UI_URL,
    jaeger: new JaegerClient({ baseUrl: config.JAEGER_QUERY_URL, timeoutMs: 3000 }),
    collectorTracesUrl: new URL('/v1/traces', config.OTEL_EXPORTER_OTLP_ENDPOINT).toString(),
    adminToken: config.HOPTRACE_ADMIN_TOKEN,
    faults: new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN),
    rateLimit: config.HOPTRACE_RATE_LIMIT,
    otlpRateLimit: config.HOPTRACE_OTLP_RATE_LIMIT,
    w3cHarness: config.HOPTRACE_W3C_HARNESS,
    faultRules,
    requestBudgetMs: config.ORDER_TIMEOUT_MS,
    readiness: [{ name: 'inventory', required: true, check: () => inventory.listProducts() }],
  });
  const details = { w3cHarness: config.HOPTRACE_W3C_HARNESS };
  const http =
    identity && config.HTTPS_PORT !== undefined
      ? { app, port: config.HTTPS_PORT, tls: { identity, clients: 'any' as const }, redirectFrom: config.PORT, details }
      : { app, port: config.PORT, details };
  return { logger, http };
}).then((code) => process.exit(code));

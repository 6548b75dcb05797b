import { Services, type ServiceName } from '@hoptrace/contracts';
import { FaultAdmission, FaultRules } from '@hoptrace/faults';
import { servedRoutes } from '@hoptrace/kit';
import { untracedPaths } from '@hoptrace/telemetry';
import pino from 'pino';
import { buildApp as gatewayApp } from '../../services/gateway/src/app';
import { buildApp as ordersApp } from '../../services/orders/src/app';
import { buildApp as inventoryApp } from '../../services/inventory/src/app';
import { buildApp as paymentsApp } from '../../services/payments/src/app';
import { buildApp as fulfillmentApp } from '../../services/fulfillment/src/app';
import { buildApp as notificationsApp } from '../../services/notifications/src/app';
import type Koa from 'koa';
import { composeEnvironment } from './stack';

/**
 * The routes each service serves, read from the app itself (its router's stack, built here with
 * inert dependencies: nothing is called), so a route added tomorrow is walked tomorrow.
 */
const none = {} as never;
const faults = new FaultAdmission('inert-token-for-reading-routes');
const hooks = {};
const logger = pino({ level: 'silent' });

const apps: Record<ServiceName, () => Koa> = {
  gateway: () =>
    gatewayApp({
      inventory: none,
      orders: none,
      notifications: none,
      logger,
      readiness: [],
      storefrontDir: '/nonexistent',
      jaegerUiUrl: 'http://127.0.0.1/',
      jaeger: none,
      collectorTracesUrl: 'http://127.0.0.1/',
      adminToken: 'inert-token-for-reading-routes',
      faults,
      faultRules: new FaultRules(),
      requestBudgetMs: 1000,
      w3cHarness: true,
    }),
  orders: () => ordersApp({ store: none, placeOrderDeps: none, logger, readiness: [], hooks }),
  inventory: () => inventoryApp({ store: none, logger, readiness: [], hooks }),
  payments: () => paymentsApp({ logger, hooks }),
  fulfillment: () => fulfillmentApp({ logger, readiness: [], hooks }),
  notifications: () => notificationsApp({ store: none, logger, readiness: [], hooks }),
};

/** Route patterns with each parameter filled in by `id`. */
export function routesOf(service: ServiceName, id: string): { path: string; methods: string[] }[] {
  return servedRoutes(apps[service]!()).map((r) => ({ path: r.path.replace(/:[a-zA-Z]+/g, id), methods: r.methods }));
}

/** What the gateway serves around its router: the storefront, the span relay, and paths nobody serves. */
export const GATEWAY_EXTRA_PATHS = (id: string) => [
  '/',
  '/chaos',
  `/orders/${id}`,
  '/assets/index.js',
  '/favicon.ico',
  '/otlp/v1/traces',
  '/otlp/v1/logs',
  '/nope',
  '/api',
  '/api/nope',
  '/api/admin',
  '/api/admin/nope',
  '/api/orders/',
  '/%2e%2e/etc/passwd',
];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Paths the telemetry preload does not trace, as compose configures it (HOPTRACE_UNTRACED_PATHS). */
export const isUntraced = untracedPaths(composeEnvironment('gateway').HOPTRACE_UNTRACED_PATHS);

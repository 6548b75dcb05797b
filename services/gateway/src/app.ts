import { CreateOrderRequest, FaultRulesInput, Services } from '@hoptrace/contracts';
import { admitFaultsAtEdge, httpFaultHooks, isAdmin, type FaultAdmission, type FaultRules } from '@hoptrace/faults';
import type { InventoryClient } from '@hoptrace/inventory/client';
import { AppError, createHttpApp, parseInput, type JsonResponse, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type { NotificationsClient } from '@hoptrace/notifications/client';
import type { OrdersClient } from '@hoptrace/orders/client';
import { traceResponseHeader } from '@hoptrace/telemetry';
import type { JaegerClient } from '@hoptrace/traces';
import type Koa from 'koa';
import { fetchTrace, toTraceView } from './order-trace';
import { rateLimit, type RateLimit } from './rate-limit';
import { serveStorefront } from './storefront';
import { OTLP_PATH, relayBrowserSpans } from './telemetry-relay';
import { serveW3cHarness } from './w3c-harness';

export interface GatewayDeps {
  inventory: InventoryClient;
  orders: OrdersClient;
  notifications: NotificationsClient;
  logger: Logger;
  readiness: ReadinessCheck[];
  storefrontDir: string;
  jaegerUiUrl: string;
  /** Jaeger's HTTP query API, for the order page's trace waterfall. */
  jaeger: JaegerClient;
  /** Where browser spans are forwarded (the collector's OTLP/HTTP traces endpoint). */
  collectorTracesUrl: string;
  adminToken: string;
  /** Signs the fault entries the gateway admitted; services check the signature. */
  faults: FaultAdmission;
  faultRules: FaultRules;
  /** The time budget of a request, from the gateway to the last synchronous hop. */
  requestBudgetMs: number;
  /** Per client address; undefined: no limit. */
  rateLimit?: RateLimit;
  /** The browser-span relay's own limit. */
  otlpRateLimit?: RateLimit;
  /** Serve POST /__w3c/test (HOPTRACE_W3C_HARNESS=1). */
  w3cHarness?: boolean;
}

const requireAdmin = (ctx: Koa.Context, token: string) => {
  if (isAdmin(ctx.get('authorization'), token)) return;
  ctx.set('www-authenticate', 'Bearer realm="hoptrace admin"');
  throw new AppError(401, 'unauthorized', 'send Authorization: Bearer <HOPTRACE_ADMIN_TOKEN>');
};

const relay = (ctx: Koa.Context, res: JsonResponse) => {
  ctx.status = res.status;
  ctx.body = res.body;
};

const isRelay = (ctx: Koa.Context) => ctx.path === OTLP_PATH || ctx.path.startsWith('/otlp/');

/** The only public entry: the storefront and the public API in front of the services. */
export function buildApp(deps: GatewayDeps): Koa {
  const exempt = (ctx: Koa.Context) => isAdmin(ctx.get('authorization'), deps.adminToken);
  return createHttpApp({
    // The edge: fault entries are admitted here (admin token, global rules) and signed.
    ...httpFaultHooks(Services.gateway.name, deps.faults, admitFaultsAtEdge(deps.faults, deps.adminToken, deps.faultRules)),
    requestBudgetMs: deps.requestBudgetMs,
    logger: deps.logger,
    readiness: deps.readiness,
    before: [
      // W3C Trace Context Level 2: every response names its trace, so a client always finds it.
      async (ctx, next) => {
        const header = traceResponseHeader();
        if (header) ctx.set('traceresponse', header);
        await next();
      },
      // Liveness stays unlimited (it does no work); everything else counts, the relay on its own.
      rateLimit('requests', deps.rateLimit, (ctx) => ctx.path !== '/healthz' && !isRelay(ctx), exempt),
      rateLimit('otlp', deps.otlpRateLimit, isRelay, exempt),
      relayBrowserSpans(deps.collectorTracesUrl),
      serveStorefront(deps.storefrontDir),
    ],
    routes: (router) => {
      router.get('/api/config', (ctx) => {
        ctx.body = { jaegerUiUrl: deps.jaegerUiUrl };
      });
      router.get('/api/admin/faults', (ctx) => {
        requireAdmin(ctx, deps.adminToken);
        ctx.body = { rules: deps.faultRules.list() };
      });
      router.put('/api/admin/faults', (ctx) => {
        requireAdmin(ctx, deps.adminToken);
        ctx.body = { rules: deps.faultRules.replace(parseInput(FaultRulesInput, ctx.request.body).rules) };
      });
      router.delete('/api/admin/faults', (ctx) => {
        requireAdmin(ctx, deps.adminToken);
        ctx.body = { rules: deps.faultRules.replace([]) };
      });
      router.get('/api/products', async (ctx) => {
        ctx.body = await deps.inventory.listProducts();
      });
      // Validated here too, so bad input is answered at the edge without touching the services.
      router.post('/api/orders', async (ctx) => {
        relay(ctx, await deps.orders.place(parseInput(CreateOrderRequest, ctx.request.body)));
      });
      router.get('/api/orders/:id', async (ctx) => {
        relay(ctx, await deps.orders.get(ctx.params.id!));
      });
      router.get('/api/orders/:id/trace', async (ctx) => {
        const order = await deps.orders.get(ctx.params.id!);
        if (order.status !== 200) return relay(ctx, order);
        ctx.body = toTraceView(await fetchTrace(deps.jaeger, (order.body as { traceId: string }).traceId));
      });
      router.get('/api/notifications', async (ctx) => {
        relay(ctx, await deps.notifications.forOrder(typeof ctx.query.orderId === 'string' ? ctx.query.orderId : ''));
      });
      if (deps.w3cHarness) serveW3cHarness(router);
    },
  });
}

import { CreateOrderRequest } from '@hoptrace/contracts';
import type { InventoryClient } from '@hoptrace/inventory/client';
import { createHttpApp, parseInput, type JsonResponse, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type { NotificationsClient } from '@hoptrace/notifications/client';
import type { OrdersClient } from '@hoptrace/orders/client';
import type Koa from 'koa';
import { serveStorefront } from './storefront';

export interface GatewayDeps {
  inventory: InventoryClient;
  orders: OrdersClient;
  notifications: NotificationsClient;
  logger: Logger;
  readiness: ReadinessCheck[];
  storefrontDir: string;
  jaegerUiUrl: string;
}

const relay = (ctx: Koa.Context, res: JsonResponse) => {
  ctx.status = res.status;
  ctx.body = res.body;
};

/** The only public entry: the storefront and the public API in front of the services. */
export function buildApp(deps: GatewayDeps): Koa {
  return createHttpApp({
    logger: deps.logger,
    readiness: deps.readiness,
    before: [serveStorefront(deps.storefrontDir)],
    routes: (router) => {
      router.get('/api/config', (ctx) => { ctx.body = { jaegerUiUrl: deps.jaegerUiUrl }; });
      router.get('/api/products', async (ctx) => { ctx.body = await deps.inventory.listProducts(); });
      // Validated here too, so bad input is answered at the edge without touching the services.
      router.post('/api/orders', async (ctx) => {
        relay(ctx, await deps.orders.place(parseInput(CreateOrderRequest, ctx.request.body)));
      });
      router.get('/api/orders/:id', async (ctx) => { relay(ctx, await deps.orders.get(ctx.params.id!)); });
      router.get('/api/notifications', async (ctx) => {
        relay(ctx, await deps.notifications.forOrder(typeof ctx.query.orderId === 'string' ? ctx.query.orderId : ''));
      });
    },
  });
}

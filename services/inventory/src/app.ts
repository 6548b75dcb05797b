import { ReserveRequest } from '@hoptrace/contracts';
import { createHttpApp, parseInput, type HttpHooks, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type Koa from 'koa';
import type { InventoryStore } from './store';

export function buildApp(deps: { store: InventoryStore; logger: Logger; readiness: ReadinessCheck[]; hooks: HttpHooks }): Koa {
  const { store } = deps;
  return createHttpApp({
    ...deps.hooks,
    logger: deps.logger,
    readiness: deps.readiness,
    routes: (router) => {
      router.get('/products', async (ctx) => {
        ctx.body = await store.listProducts();
      });
      router.post('/reservations', async (ctx) => {
        const request = parseInput(ReserveRequest, ctx.request.body);
        trace.getActiveSpan()?.setAttributes({ 'order.id': request.orderId, 'order.item_count': request.items.length });
        const { reservation, created } = await store.reserve(request.orderId, request.items);
        ctx.status = created ? 201 : 200;
        ctx.body = reservation;
      });
      router.post('/reservations/:id/commit', async (ctx) => {
        ctx.body = await store.commit(ctx.params.id!);
      });
      router.post('/reservations/:id/release', async (ctx) => {
        ctx.body = await store.release(ctx.params.id!);
      });
      router.post('/reservations/by-order/:orderId/release', async (ctx) => {
        ctx.body = await store.release(await store.idForOrder(ctx.params.orderId!));
      });
    },
  });
}

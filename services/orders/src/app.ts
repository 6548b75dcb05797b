import { CreateOrderRequest, isUuid } from '@hoptrace/contracts';
import { createHttpApp, NotFound, parseInput, type HttpHooks, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import { activeTraceId } from '@hoptrace/telemetry';
import { trace } from '@opentelemetry/api';
import type Koa from 'koa';
import { hashEmail, placeOrder, type PlaceOrderDeps } from './place-order';
import type { OrdersStore } from './store';

export function buildApp(deps: {
  store: OrdersStore;
  placeOrderDeps: PlaceOrderDeps;
  logger: Logger;
  readiness: ReadinessCheck[];
  hooks: HttpHooks;
}): Koa {
  return createHttpApp({
    ...deps.hooks,
    logger: deps.logger,
    readiness: deps.readiness,
    routes: (router) => {
      router.post('/orders', async (ctx) => {
        const input = parseInput(CreateOrderRequest, ctx.request.body);
        const span = trace.getActiveSpan();
        span?.setAttributes({ 'order.item_count': input.items.length, 'user.hash': hashEmail(input.email) });
        const created = await placeOrder(deps.placeOrderDeps, input, activeTraceId() ?? '');
        span?.setAttribute('order.id', created.id);
        ctx.status = 201;
        ctx.body = created;
      });
      router.get('/orders/:id', async (ctx) => {
        const id = ctx.params.id!;
        if (!isUuid(id)) throw new NotFound(`order ${id}`);
        ctx.body = await deps.store.view(id);
      });
    },
  });
}

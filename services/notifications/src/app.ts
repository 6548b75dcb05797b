import { isUuid } from '@hoptrace/contracts';
import { createHttpApp, ValidationFailed, type HttpHooks, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type Koa from 'koa';
import type { NotificationsStore } from './store';

export function buildApp(deps: { store: NotificationsStore; logger: Logger; readiness: ReadinessCheck[]; hooks: HttpHooks }): Koa {
  return createHttpApp({
    ...deps.hooks,
    logger: deps.logger,
    readiness: deps.readiness,
    routes: (router) => {
      router.get('/notifications', async (ctx) => {
        const orderId = ctx.query.orderId;
        if (!isUuid(orderId)) throw new ValidationFailed({ orderId: 'an order id (UUID) is required' });
        ctx.body = await deps.store.forOrder(orderId);
      });
    },
  });
}

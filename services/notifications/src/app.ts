import { createHttpApp, ValidationFailed, type FaultAdmission, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type Koa from 'koa';
import type { NotificationsStore } from './store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildApp(deps: { store: NotificationsStore; logger: Logger; readiness: ReadinessCheck[]; faults: FaultAdmission }): Koa {
  return createHttpApp({ service: 'notifications',
    faults: deps.faults,
    logger: deps.logger,
    readiness: deps.readiness,
    routes: (router) => {
      router.get('/notifications', async (ctx) => {
        const orderId = ctx.query.orderId;
        if (typeof orderId !== 'string' || !UUID.test(orderId)) throw new ValidationFailed({ orderId: 'an order id (UUID) is required' });
        ctx.body = await deps.store.forOrder(orderId);
      });
    },
  });
}

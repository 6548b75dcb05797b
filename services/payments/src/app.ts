import { ChargeRequest } from '@hoptrace/contracts';
import { BadRequest, createHttpApp, parseInput, type HttpHooks, type Logger } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type Koa from 'koa';
import type { Ledger } from './ledger';

export function buildApp(deps: { ledger: Ledger; logger: Logger; hooks: HttpHooks }): Koa {
  const { ledger } = deps;
  return createHttpApp({
    ...deps.hooks,
    logger: deps.logger,
    readiness: [],
    routes: (router) => {
      router.post('/charges', async (ctx) => {
        const key = ctx.get('idempotency-key');
        if (!key) throw new BadRequest('idempotency_key_required', 'send an Idempotency-Key header', { 'Idempotency-Key': 'required' });
        const request = parseInput(ChargeRequest, ctx.request.body);
        trace.getActiveSpan()?.setAttributes({ 'order.id': request.orderId, 'order.total_cents': request.amountCents });
        const { charge, replayed } = ledger.charge(key, request);
        ctx.status = replayed ? 200 : 201;
        ctx.body = charge;
      });
      router.post('/charges/:id/refund', (ctx) => { ctx.body = ledger.refund(ctx.params.id!); });
      router.post('/charges/by-order/:orderId/refund', (ctx) => { ctx.body = ledger.refundForOrder(ctx.params.orderId!); });
    },
  });
}

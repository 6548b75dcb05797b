import { FAULT_PREFIX, formatFaultValue } from '@hoptrace/kit';
import { context, propagation, trace, type Baggage } from '@opentelemetry/api';
import type { Context, Next } from 'koa';
import { timingSafeEqual } from 'node:crypto';
import type { FaultRules } from './fault-rules';

export function isAdmin(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The gateway is where fault entries are admitted: a request's own `hoptrace.fault.*` baggage
 * counts only with the admin token and is stripped otherwise (recorded on the span), and the
 * global rules that fire for this request are added as entries scoped `global`. Downstream
 * services only ever read the baggage.
 */
export function faultBaggage(adminToken: string, rules: FaultRules, random: () => number = Math.random) {
  return (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/api/') || ctx.path.startsWith('/api/admin/')) return next();
    let baggage: Baggage | undefined = propagation.getBaggage(context.active());
    const own = (baggage?.getAllEntries() ?? []).map(([key]) => key).filter((key) => key.startsWith(FAULT_PREFIX));
    const span = trace.getActiveSpan();
    let changed = false;
    if (own.length && !isAdmin(ctx.get('authorization'), adminToken)) {
      baggage = baggage!.removeEntries(...own);
      span?.setAttribute('hoptrace.fault.baggage_stripped', own.length);
      span?.addEvent('fault.baggage_stripped', { 'fault.entries': own.length });
      changed = true;
    }
    for (const rule of rules.draw(random)) {
      const target = `${FAULT_PREFIX}${rule.service}`;
      baggage = (baggage ?? propagation.createBaggage())
        .setEntry(target, { value: formatFaultValue(rule.kind, rule.param) })
        .setEntry(`${target}.scope`, { value: 'global' });
      baggage = rule.route ? baggage.setEntry(`${target}.route`, { value: rule.route }) : baggage.removeEntry(`${target}.route`);
      changed = true;
    }
    return changed && baggage ? context.with(propagation.setBaggage(context.active(), baggage), next) : next();
  };
}

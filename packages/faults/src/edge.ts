import { context, propagation, trace, type BaggageEntry } from '@opentelemetry/api';
import type { Context, Next } from 'koa';
import { timingSafeEqual } from 'node:crypto';
import { FAULT_SIGNATURE, isFaultEntry, traceIdOf, type FaultAdmission } from './admission';
import { FAULT_PREFIX, formatFaultValue } from './entries';
import type { FaultRules } from './rules';

/** The admin boundary: `Authorization: Bearer <HOPTRACE_ADMIN_TOKEN>`, exactly, compared in constant time. */
export function isAdmin(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Global rules fault a share of the public API's requests; never the admin API (a rule that
 * fails the gateway must still be clearable) nor the storefront's files or the span relay.
 */
const withinRuleScope = (path: string) => path.startsWith('/api/') && !path.startsWith('/api/admin/');

/**
 * The gateway is where fault entries are admitted, for every request it receives, before
 * anything reads the baggage: a request's own `hoptrace.fault.*` entries count only with the
 * admin token and are stripped otherwise (recorded on the span); the global rules that fire for
 * this request are added as entries scoped `global`. What was admitted is signed for this trace
 * (FaultAdmission), which is what every service checks before a fault acts; a signature the
 * client sent is never kept. Admitted entries go first: the W3C limits cut the tail of a long
 * baggage, never them.
 */
export function admitFaultsAtEdge(admission: FaultAdmission, adminToken: string, rules: FaultRules, random: () => number = Math.random) {
  return (ctx: Context, next: Next) => {
    const active = context.active();
    const entries = propagation.getBaggage(active)?.getAllEntries() ?? [];
    const own = entries.filter(([name]) => isFaultEntry(name));
    const admitted = new Map<string, BaggageEntry>();
    if (own.length && isAdmin(ctx.get('authorization'), adminToken)) {
      for (const [name, entry] of own) if (name !== FAULT_SIGNATURE) admitted.set(name, { value: entry.value });
    } else if (own.length) {
      const span = trace.getActiveSpan();
      span?.setAttribute('hoptrace.fault.baggage_stripped', own.length);
      span?.addEvent('fault.baggage_stripped', { 'fault.entries': own.length });
    }
    if (withinRuleScope(ctx.path)) {
      for (const rule of rules.draw(random)) {
        const target = `${FAULT_PREFIX}${rule.service}`;
        admitted.set(target, { value: formatFaultValue(rule.kind, rule.param) });
        admitted.set(`${target}.scope`, { value: 'global' });
        if (rule.route) admitted.set(`${target}.route`, { value: rule.route });
        else admitted.delete(`${target}.route`);
      }
    }
    if (!own.length && !admitted.size) return next();
    const traceId = traceIdOf(active);
    // Without a trace there is nothing to bind a signature to: no fault can act, none travels.
    const faults =
      traceId && admitted.size ? admission.sign(propagation.createBaggage(Object.fromEntries(admitted)), traceId).getAllEntries() : [];
    const signatureFirst = faults.sort(([a], [b]) => Number(b === FAULT_SIGNATURE) - Number(a === FAULT_SIGNATURE));
    const baggage = propagation.createBaggage(Object.fromEntries([...signatureFirst, ...entries.filter(([name]) => !isFaultEntry(name))]));
    return context.with(propagation.setBaggage(active, baggage), next);
  };
}

import type { FaultRule, FaultRuleInput } from '@hoptrace/contracts';
import { metrics } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';

/** The global fault rules, set through the admin API; the gateway applies them per request. */
export class FaultRules {
  private rules: FaultRule[] = [];

  list(): FaultRule[] {
    return this.rules;
  }

  replace(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules = inputs.map((rule) => ({ id: randomUUID().slice(0, 8), ...rule }));
    return this.rules;
  }

  /** The rules that fire for one request: each with its own chance. */
  draw(random: () => number = Math.random): FaultRule[] {
    return this.rules.filter((rule) => random() < rule.rate);
  }

  /** `hoptrace_faults_active{service, kind, scope}`: dashboards draw it as annotations. */
  observe(): void {
    const gauge = metrics.getMeter('hoptrace.faults').createObservableGauge('hoptrace.faults.active', {
      unit: '{rule}',
      description: 'global fault rules in force, by target service and kind',
    });
    gauge.addCallback((result) => {
      const counts = new Map<string, { service: string; kind: string; n: number }>();
      for (const r of this.rules) {
        const key = `${r.service}/${r.kind}`;
        counts.set(key, { service: r.service, kind: r.kind, n: (counts.get(key)?.n ?? 0) + 1 });
      }
      for (const c of counts.values()) result.observe(c.n, { service: c.service, kind: c.kind, scope: 'global' });
    });
  }
}

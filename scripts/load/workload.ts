import { SERVICE_NAMES, type CreateOrderRequest } from '@hoptrace/contracts';
import { orderRequest } from '../../e2e/support/shop';

/** What the load generator does on one arrival. */
export const ACTIONS = ['order', 'browse', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** The endpoint each action calls, as the summary names it. */
export const ENDPOINTS: Record<Action, string> = {
  order: 'POST /api/orders',
  browse: 'GET /api/products',
  status: 'GET /api/orders/:id',
};

/** SKUs with deep stock (10 000 each), one unit an order: a long benchmark never turns into 409s. */
const SKUS = ['MUG-01', 'TEE-SPAN', 'HOODIE-OTEL', 'STICKER-W3C', 'CAP-KAFKA'];

export type Mix = Partial<Record<Action, number>>;

/** `order=1,browse=3,status=3` → weights; unknown actions and non-positive weights are refused. */
export function parseMix(text: string): Mix {
  const mix: Mix = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, weight] = part.split('=');
    if (!(ACTIONS as readonly string[]).includes(name ?? '')) throw new Error(`--mix: "${name}" is not one of ${ACTIONS.join(', ')}`);
    const w = Number(weight);
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`--mix: ${name} wants a weight ≥ 0, not "${weight}"`);
    mix[name as Action] = w;
  }
  if (!Object.values(mix).some((w) => w > 0)) throw new Error('--mix needs at least one positive weight, e.g. order=1');
  return mix;
}

/**
 * The action of the i-th arrival: weights spread evenly over the sequence (smooth weighted
 * round-robin), so every second of a run has the same mix and two runs the same requests.
 */
export function mixSequence(mix: Mix): (i: number) => Action {
  const entries = ACTIONS.filter((a) => (mix[a] ?? 0) > 0).map((a) => ({ action: a, weight: mix[a]!, current: 0 }));
  const total = entries.reduce((s, e) => s + e.weight, 0);
  const cycle: Action[] = [];
  // One cycle of the weighted round-robin is enough when weights are small integers; cap it for fractions.
  for (let n = 0; n < Math.min(1000, Math.max(1, Math.round(total)) * 10); n++) {
    for (const e of entries) e.current += e.weight;
    const best = entries.reduce((a, b) => (b.current > a.current ? b : a));
    best.current -= total;
    cycle.push(best.action);
  }
  return (i) => cycle[i % cycle.length]!;
}

export interface FaultSpec {
  service: string;
  /** The baggage value, e.g. `error` or `latency:300`. */
  fault: string;
  share: number;
}

/** `payments=error:0.1` → payments gets `error` on 10 % of orders; `orders=latency:300:0.5` too. */
export function parseFault(text: string): FaultSpec {
  const eq = text.indexOf('=');
  const service = text.slice(0, Math.max(eq, 0));
  if (!(SERVICE_NAMES as readonly string[]).includes(service))
    throw new Error(`--fault: "${service}" is not one of ${SERVICE_NAMES.join(', ')}`);
  const rest = text.slice(eq + 1);
  const colon = rest.lastIndexOf(':');
  const share = Number(rest.slice(colon + 1));
  const fault = rest.slice(0, Math.max(colon, 0));
  if (colon < 1 || !(share > 0 && share <= 1))
    throw new Error(`--fault wants service=kind[:param]:share with 0 < share ≤ 1, e.g. payments=error:0.1, not "${text}"`);
  return { service, fault, share };
}

/** Whether the n-th order (0-based) carries the fault: exactly `share` of them, evenly spread. */
export const faulted = (n: number, share: number): boolean => Math.floor((n + 1) * share) > Math.floor(n * share);

/** Per-request fault baggage (W3C Baggage), honoured by the gateway because of the admin token. */
export const faultBaggage = (faults: FaultSpec[]): Record<string, string> =>
  faults.length ? { baggage: faults.map((f) => `hoptrace.fault.${f.service}=${f.fault}`).join(',') } : {};

export function loadOrder(runId: string, n: number): CreateOrderRequest {
  return orderRequest({ email: `load-${runId}-${n}@example.com`, items: [{ sku: SKUS[n % SKUS.length]!, quantity: 1 }] });
}

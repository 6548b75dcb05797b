import type { OrderEventType, OrderStatus, OrderView } from '@hoptrace/contracts';

export type StepKey = OrderEventType;
export type StepState = 'done' | 'current' | 'upcoming' | 'failed';

export interface TimelineStep {
  key: StepKey;
  label: string;
  state: StepState;
  /** ISO time of the event that completed the step, when the server reported one. */
  at?: string;
}

const HAPPY_PATH: readonly Exclude<StepKey, 'failed'>[] = ['placed', 'paid', 'shipped', 'completed'];
const LABELS: Record<StepKey, string> = {
  placed: 'Placed',
  paid: 'Paid',
  shipped: 'Shipped',
  completed: 'Completed',
  failed: 'Failed',
};
/** How far along the happy path each status is (index into HAPPY_PATH). */
const REACHED: Record<Exclude<OrderStatus, 'failed'>, number> = { pending: 0, paid: 1, shipped: 2, completed: 3 };

export function isTerminal(status: OrderStatus): boolean {
  return status === 'completed' || status === 'failed';
}

export function statusLabel(status: OrderStatus): string {
  return status === 'pending' ? 'Placed, awaiting payment' : LABELS[status];
}

/**
 * The status decides how far the order got; events only add times. Events may lag the status (or
 * be missing), so a step is never shown undone because its event is absent. A failed order shows
 * the steps it did reach, then the failure, and drops the steps it will never reach.
 */
export function timelineSteps(order: Pick<OrderView, 'status' | 'events'>): TimelineStep[] {
  const at = (type: StepKey) => order.events.find((e) => e.type === type)?.at;
  const reached =
    order.status === 'failed'
      ? Math.max(0, ...order.events.map((e) => HAPPY_PATH.indexOf(e.type as Exclude<StepKey, 'failed'>)))
      : REACHED[order.status];
  const steps: TimelineStep[] = [];
  HAPPY_PATH.forEach((key, i) => {
    if (order.status === 'failed' && i > reached) return;
    const state: StepState = i <= reached ? 'done' : i === reached + 1 ? 'current' : 'upcoming';
    steps.push(withTime({ key, label: LABELS[key], state }, at(key)));
  });
  if (order.status === 'failed') steps.push(withTime({ key: 'failed', label: LABELS.failed, state: 'failed' }, at('failed')));
  return steps;
}

// exactOptionalPropertyTypes-friendly: leave `at` out rather than set it to undefined.
function withTime(step: TimelineStep, at: string | undefined): TimelineStep {
  return at === undefined ? step : { ...step, at };
}

import type { OrderEventType, OrderStatus } from '@hoptrace/contracts';

const PROGRESS: OrderStatus[] = ['pending', 'paid', 'shipped', 'completed'];

export interface Advance {
  status: OrderStatus;
  /** Timeline entries to record, oldest first. */
  events: OrderEventType[];
}

/**
 * Moves an order forward to `target`, or returns undefined when there is nothing to do: the order
 * already got there (a redelivered event) or it failed. Events from different topics may arrive
 * out of order, so reaching `completed` from `paid` also records the `shipped` step it implies.
 */
export function advance(current: OrderStatus, target: 'shipped' | 'completed'): Advance | undefined {
  if (current === 'failed') return undefined;
  const from = PROGRESS.indexOf(current);
  const to = PROGRESS.indexOf(target);
  if (from >= to) return undefined;
  return { status: target, events: PROGRESS.slice(Math.max(from + 1, 2), to + 1) as OrderEventType[] };
}

/** Whether an order may still be marked failed (a completed one stays completed). */
export const canFail = (current: OrderStatus) => current !== 'completed' && current !== 'failed';

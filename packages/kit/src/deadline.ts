import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A request's time budget, shrinking hop by hop: each service reads the budget its caller had
 * left (header below, in ms), and every outgoing call gets at most what remains, so nobody works
 * on an answer the caller has stopped waiting for. Kafka-driven work has no deadline.
 */
export const BUDGET_HEADER = 'x-hoptrace-budget-ms';
const deadlines = new AsyncLocalStorage<number>();

export function runWithDeadline<T>(deadline: number, work: () => T): T {
  const outer = deadlines.getStore();
  return deadlines.run(outer === undefined ? deadline : Math.min(outer, deadline), work);
}

/** Milliseconds left, or undefined outside a request with a budget. */
export function remainingBudget(now = Date.now()): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - now;
}

export function parseBudget(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const ms = Number(header);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 60_000) : undefined;
}

import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The two ways the load generator paces requests.
 *
 * Open model: arrivals follow a clock at the target rate whatever the responses do, so when the
 * stack slows down requests pile up in it and the latency shows the queueing (no coordinated
 * omission). None of the load libraries listed for this project does that with the requests a shop
 * session needs: autocannon's `overallRate`/`connectionRate` pace a fixed set of connections that
 * each wait for their response before sending again (a closed loop with a rate cap; its `-C` only
 * corrects the recorded latencies afterwards), and Artillery is a framework of its own with YAML
 * scenarios. So the arrival clock is these few lines over undici's pool (client.ts), and each
 * request's latency is counted from the moment it was due, not from when it was sent.
 *
 * Closed model: `concurrency` clients, each sending its next request when the previous one
 * answered: the stack's saturated throughput at that concurrency.
 */

export interface Arrival {
  /** 0-based index of the arrival. */
  index: number;
  /** performance.now() at which it was due: latency is measured from here. */
  dueAt: number;
}

export interface OpenModel {
  ratePerSecond: number;
  durationMs: number;
  /** uniform: one every 1/rate s (as wrk2 and k6's constant-arrival-rate); poisson: exponential gaps. */
  arrivals: 'uniform' | 'poisson';
  /** A bound on requests in flight, so an overloaded stack cannot exhaust the generator's memory. */
  maxInFlight: number;
}

/**
 * Fires `send` for every arrival of the schedule; arrivals past `maxInFlight` are not sent and
 * `refuse` counts them (they are errors of the run, not silently skipped). Resolves when the
 * schedule is over and every request sent has answered.
 */
export async function runOpenModel(
  model: OpenModel,
  send: (a: Arrival) => Promise<void>,
  refuse: (a: Arrival) => void,
): Promise<{ due: number }> {
  const start = performance.now();
  const end = start + model.durationMs;
  const gap = () => (model.arrivals === 'poisson' ? -Math.log(1 - Math.random()) : 1) * (1000 / model.ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  let next = start;
  let index = 0;
  while (next < end) {
    const now = performance.now();
    // Everything due by now goes out now: a late timer never lowers the rate.
    while (next <= now && next < end) {
      const arrival = { index: index++, dueAt: next };
      if (inFlight.size >= model.maxInFlight) refuse(arrival);
      else {
        const p: Promise<void> = send(arrival).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      next += gap();
    }
    if (next < end) await sleep(Math.max(0, Math.min(next, end) - performance.now()));
  }
  await Promise.all(inFlight);
  return { due: index };
}

export interface ClosedModel {
  concurrency: number;
  /** Stop after this many requests… */
  count?: number;
  /** …or after this long, whichever comes first. */
  durationMs?: number;
}

export async function runClosedModel(model: ClosedModel, send: (a: Arrival) => Promise<void>): Promise<{ due: number }> {
  const end = model.durationMs === undefined ? Infinity : performance.now() + model.durationMs;
  const count = model.count ?? Infinity;
  let index = 0;
  const client = async () => {
    while (index < count && performance.now() < end) await send({ index: index++, dueAt: performance.now() });
  };
  await Promise.all(Array.from({ length: model.concurrency }, client));
  return { due: index };
}

/**
 * When to stop re-reading an order's trace. Spans reach Jaeger in batches, seconds after the work
 * they describe, so an order that is completed or failed can still gain spans. Its trace counts
 * as complete once the span count has not changed for STABLE_POLLS polls in a row, all taken
 * after the order ended; a trace that never settles (or never appears) is given up on after
 * MAX_WAIT_AFTER_END_MS.
 */

export const TRACE_POLL_INTERVAL_MS = 2000;
export const STABLE_POLLS = 2;
export const MAX_WAIT_AFTER_END_MS = 60_000;

export interface TraceWatch {
  /** When the order was first seen completed or failed; null while it is still running. */
  endedAtMs: number | null;
  /** Span count of the previous poll; null when it had no trace (404, 503, error). */
  lastSpanCount: number | null;
  /** Consecutive polls after the order ended that found the same span count as the one before. */
  unchangedPolls: number;
}

export interface TracePoll {
  nowMs: number;
  orderEnded: boolean;
  /** null when this poll got no trace. */
  spanCount: number | null;
}

export const initialTraceWatch: TraceWatch = { endedAtMs: null, lastSpanCount: null, unchangedPolls: 0 };

export function observeTracePoll(watch: TraceWatch, poll: TracePoll): { watch: TraceWatch; done: boolean } {
  if (!poll.orderEnded) {
    return { watch: { endedAtMs: null, lastSpanCount: poll.spanCount, unchangedPolls: 0 }, done: false };
  }
  // A poll before the end does not vouch for the trace: spans may have been on their way.
  const endedAtMs = watch.endedAtMs ?? poll.nowMs;
  const comparable = watch.endedAtMs !== null && poll.spanCount !== null && poll.spanCount > 0;
  const unchanged = comparable && poll.spanCount === watch.lastSpanCount;
  const next: TraceWatch = { endedAtMs, lastSpanCount: poll.spanCount, unchangedPolls: unchanged ? watch.unchangedPolls + 1 : 0 };
  const done = next.unchangedPolls >= STABLE_POLLS || poll.nowMs - endedAtMs >= MAX_WAIT_AFTER_END_MS;
  return { watch: next, done };
}

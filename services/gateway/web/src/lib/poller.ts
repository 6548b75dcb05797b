/**
 * Polls until a value is final. One request at a time (the next is scheduled only after the
 * previous settles), and consecutive errors back off exponentially so a struggling gateway is not
 * hammered by every open order page. Timers are injected so tests need no real time.
 */

export type Schedule = (run: () => void, ms: number) => () => void;

export interface PollerOptions<T> {
  load: (signal: AbortSignal) => Promise<T>;
  onValue: (value: T) => void;
  onError: (error: unknown, retryInMs: number) => void;
  isDone: (value: T) => boolean;
  intervalMs?: number;
  maxBackoffMs?: number;
  schedule?: Schedule;
}

export interface Poller {
  stop(): void;
}

export function backoffDelay(consecutiveErrors: number, intervalMs = 1000, maxBackoffMs = 30_000): number {
  if (consecutiveErrors <= 0) return intervalMs;
  return Math.min(maxBackoffMs, intervalMs * 2 ** consecutiveErrors);
}

const timeoutSchedule: Schedule = (run, ms) => {
  const handle = setTimeout(run, ms);
  return () => clearTimeout(handle);
};

export function startPolling<T>(options: PollerOptions<T>): Poller {
  const { load, onValue, onError, isDone, intervalMs = 1000, maxBackoffMs = 30_000, schedule = timeoutSchedule } = options;
  let stopped = false;
  let errors = 0;
  let cancelTimer: (() => void) | undefined;
  let controller: AbortController | undefined;

  const tick = async () => {
    controller = new AbortController();
    try {
      const value = await load(controller.signal);
      if (stopped) return;
      errors = 0;
      onValue(value);
      if (isDone(value)) return;
      cancelTimer = schedule(() => void tick(), intervalMs);
    } catch (error) {
      if (stopped) return;
      errors += 1;
      const delay = backoffDelay(errors, intervalMs, maxBackoffMs);
      onError(error, delay);
      cancelTimer = schedule(() => void tick(), delay);
    }
  };

  void tick();
  return {
    stop() {
      stopped = true;
      cancelTimer?.();
      controller?.abort();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one polling loop of trace reading: calls `read` every `intervalMs` until `done` says the
 * value is what was waited for, or `timeoutMs` has passed; returns the last value either way,
 * with whether it was done. Spans reach Jaeger in batches from several services, so whoever reads
 * a trace back waits for a condition with a deadline, never for a fixed time.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs, intervalMs = 500 }: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return { value, done: true };
    if (Date.now() >= deadline) return { value, done: false };
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

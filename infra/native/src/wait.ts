import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export class TimeoutError extends Error {}

/**
 * Polls `probe` until it returns true, or fails after `timeoutMs` naming what it waited for and
 * the last reason the probe gave. Readiness is always a condition with a deadline, never a sleep.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
  abort?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      if (await probe()) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new TimeoutError(`${what}: not ready after ${timeoutMs / 1000} s (last: ${last})`);
    await sleep(intervalMs);
  }
}

/** `init` carries secure mode's dispatcher (the CA and the runner's client certificate). */
export async function httpOk(url: string, timeoutMs = 2000, init: RequestInit = {}): Promise<boolean> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return true;
}

/** True when something accepts TCP connections on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

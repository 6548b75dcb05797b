/** Where the preload leaves its functions for the service's stop sequence. */
export const SHUTDOWN_HOOK = Symbol.for('hoptrace.telemetry.shutdown');
export const FLUSH_HOOK = Symbol.for('hoptrace.telemetry.flush');

type Hook = (() => Promise<void>) | undefined;
const hook = (symbol: symbol) => (globalThis as Record<symbol, unknown>)[symbol] as Hook;

/**
 * Flushes every pending span and stops the SDK; the last step of a graceful stop, so a normal
 * SIGTERM loses no span. A no-op when the process runs without the preload (unit tests).
 */
export async function shutdownTelemetry(): Promise<void> {
  await hook(SHUTDOWN_HOOK)?.();
}

/** Exports what is buffered now, e.g. right before an injected crash. */
export async function flushTelemetry(): Promise<void> {
  await hook(FLUSH_HOOK)?.();
}

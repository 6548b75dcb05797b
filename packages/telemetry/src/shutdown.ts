/** Where the preload leaves its flush-and-shutdown function for the service's stop sequence. */
export const SHUTDOWN_HOOK = Symbol.for('hoptrace.telemetry.shutdown');

/**
 * Flushes every pending span and stops the SDK; the last step of a graceful stop, so a normal
 * SIGTERM loses no span. A no-op when the process runs without the preload (unit tests).
 */
export async function shutdownTelemetry(): Promise<void> {
  const hook = (globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK] as (() => Promise<void>) | undefined;
  await hook?.();
}

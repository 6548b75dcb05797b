import type { Server } from 'node:http';
import { shutdownTelemetry } from '@hoptrace/telemetry';
import type Koa from 'koa';
import { ConfigError } from './config';
import type { Logger } from './logger';

export interface RunningService {
  /** Stop taking work, finish what is in flight, release resources. */
  stop: () => Promise<void>;
}

/**
 * Runs a service's start-up and owns its exit: a configuration error stops it with one clear
 * message; SIGTERM or SIGINT stops it gracefully, then flushes telemetry so no span is lost.
 */
export function runService(name: string, start: () => Promise<{ logger: Logger; service: RunningService }>): void {
  start().then(({ logger, service }) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, `${name} stopping`);
      const force = setTimeout(() => { logger.error(`${name} did not stop within 20 s; exiting`); process.exit(1); }, 20_000);
      force.unref();
      try {
        await service.stop();
        logger.info(`${name} stopped`);
      } catch (err) {
        logger.error({ err }, `${name} stopped with an error`);
      }
      await shutdownTelemetry().catch(() => undefined);
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  }, async (err: unknown) => {
    if (err instanceof ConfigError) console.error(`${name}: ${err.message}`);
    else console.error(`${name}: failed to start:`, err);
    await shutdownTelemetry().catch(() => undefined);
    process.exit(1);
  });
}

/** Listens on a port; resolves once it accepts connections. */
export function listen(app: Koa, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting connections and waits for requests in flight. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

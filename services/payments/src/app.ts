import { createHttpApp, type HttpHooks, type Logger } from '@hoptrace/kit';
import type Koa from 'koa';

/** payments' API is gRPC (api.ts); over HTTP it answers only the probes (/healthz, /readyz). */
export function buildApp(deps: { logger: Logger; hooks: HttpHooks }): Koa {
  return createHttpApp({ ...deps.hooks, logger: deps.logger, readiness: [], routes: () => undefined });
}

import { createHttpApp, type HttpHooks, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type Koa from 'koa';

/** fulfillment works from Kafka; over HTTP it only answers probes. */
export function buildApp(deps: { logger: Logger; readiness: ReadinessCheck[]; hooks: HttpHooks }): Koa {
  return createHttpApp({ ...deps.hooks, logger: deps.logger, readiness: deps.readiness, routes: () => {} });
}

import { createHttpApp, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type Koa from 'koa';

/** fulfillment works from Kafka; over HTTP it only answers probes. */
export function buildApp(deps: { logger: Logger; readiness: ReadinessCheck[] }): Koa {
  return createHttpApp({ service: 'fulfillment', logger: deps.logger, readiness: deps.readiness, routes: () => {} });
}

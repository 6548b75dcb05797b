import { createHttpApp, type FaultAdmission, type Logger, type ReadinessCheck } from '@hoptrace/kit';
import type Koa from 'koa';

/** fulfillment works from Kafka; over HTTP it only answers probes. */
export function buildApp(deps: { logger: Logger; readiness: ReadinessCheck[]; faults: FaultAdmission }): Koa {
  return createHttpApp({ service: 'fulfillment', faults: deps.faults, logger: deps.logger, readiness: deps.readiness, routes: () => {} });
}

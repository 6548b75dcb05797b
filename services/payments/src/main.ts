import { Services } from '@hoptrace/contracts';
import { FaultAdmission, grpcFaultMiddleware, httpFaultHooks } from '@hoptrace/faults';
import { GrpcServer } from '@hoptrace/grpc';
import { createLogger, runService } from '@hoptrace/kit';
import { paymentsService } from './api';
import { buildApp } from './app';
import { readConfig } from './config';
import { Ledger } from './ledger';

const SERVICE = Services.payments;

void runService(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE.name, config.LOG_LEVEL);
  const admission = new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN);
  const grpc = new GrpcServer({ services: [paymentsService(new Ledger())], middleware: grpcFaultMiddleware(SERVICE.name, admission), logger });
  return {
    logger,
    http: { app: buildApp({ logger, hooks: httpFaultHooks(SERVICE.name, admission) }), port: config.PORT },
    grpc: { server: grpc, port: config.GRPC_PORT },
  };
}).then((code) => process.exit(code));

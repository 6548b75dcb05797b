import { Services } from '@hoptrace/contracts';
import { FaultAdmission, grpcFaultMiddleware, httpFaultHooks } from '@hoptrace/faults';
import { GrpcServer } from '@hoptrace/grpc';
import { createLogger, mutualTls, runService, tlsIdentity } from '@hoptrace/kit';
import { paymentsService } from './api';
import { buildApp } from './app';
import { readConfig } from './config';
import { Ledger } from './ledger';

const SERVICE = Services.payments;

void runService(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE.name, config.LOG_LEVEL);
  const admission = new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN);
  // Secure mode: mutual TLS on the gRPC port too (a client certificate of the local CA required).
  const grpc = new GrpcServer({
    services: [paymentsService(new Ledger())],
    middleware: grpcFaultMiddleware(SERVICE.name, admission),
    logger,
    tls: tlsIdentity(config),
  });
  return {
    logger,
    http: { app: buildApp({ logger, hooks: httpFaultHooks(SERVICE.name, admission) }), port: config.PORT, ...mutualTls(config) },
    grpc: { server: grpc, port: config.GRPC_PORT },
  };
}).then((code) => process.exit(code));

import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { env, loadConfig, tlsVars } from '@hoptrace/kit';
import { z } from 'zod';

export const PaymentsConfig = z.object({
  PORT: env.port(Services.payments.port),
  GRPC_PORT: env.port(Services.payments.grpcPort!).describe('TCP port of the gRPC API (hoptrace.payments.v1.Payments)'),
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  LOG_LEVEL: env.logLevel(),
  ...tlsVars,
});

export const readConfig = () => loadConfig(PaymentsConfig);

import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { databaseSecretVars, env, kafkaClientConfig, kafkaSecretVars, loadConfig, tlsVars } from '@hoptrace/kit';
import { z } from 'zod';

export const OrdersConfig = z.object({
  PORT: env.port(Services.orders.port),
  DATABASE_URL: env.url('postgres:// URL of the orders database'),
  ...kafkaClientConfig,
  INVENTORY_URL: env.url('base URL of the inventory service'),
  PAYMENTS_GRPC_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'host:port')
    .describe('host:port of the payments gRPC API (hoptrace.payments.v1.Payments)'),
  HTTP_TIMEOUT_MS: env.ms(2000, 'time budget of each call to inventory or payments'),
  // The relay wakes on every row this process commits; the poll only finds rows nobody announced.
  OUTBOX_IDLE_MS: env.ms(1000, 'how long the outbox relay waits for a row it was not told of'),
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  LOG_LEVEL: env.logLevel(),
  ...databaseSecretVars,
  ...kafkaSecretVars,
  ...tlsVars,
});

export const readConfig = () => loadConfig(OrdersConfig);

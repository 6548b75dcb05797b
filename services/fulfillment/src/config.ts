import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { databaseSecretVars, env, kafkaClientConfig, kafkaSecretVars, loadConfig, tlsVars } from '@hoptrace/kit';
import { z } from 'zod';

export const FulfillmentConfig = z.object({
  PORT: env.port(Services.fulfillment.port),
  DATABASE_URL: env.url('postgres:// URL of the fulfillment database'),
  ...kafkaClientConfig,
  INVENTORY_URL: env.url('base URL of the inventory service'),
  HTTP_TIMEOUT_MS: env.ms(2000, 'time budget of each call to inventory'),
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  LOG_LEVEL: env.logLevel(),
  ...databaseSecretVars,
  ...kafkaSecretVars,
  ...tlsVars,
});

export const readConfig = () => loadConfig(FulfillmentConfig);

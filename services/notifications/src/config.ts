import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { databaseSecretVars, env, kafkaClientConfig, kafkaSecretVars, loadConfig, tlsVars } from '@hoptrace/kit';
import { z } from 'zod';

export const NotificationsConfig = z.object({
  PORT: env.port(Services.notifications.port),
  DATABASE_URL: env.url('postgres:// URL of the notifications database'),
  ...kafkaClientConfig,
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  LOG_LEVEL: env.logLevel(),
  ...databaseSecretVars,
  ...kafkaSecretVars,
  ...tlsVars,
});

export const readConfig = () => loadConfig(NotificationsConfig);

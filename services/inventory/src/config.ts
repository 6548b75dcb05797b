import { Services } from '@hoptrace/contracts';
import { adminTokenVar } from '@hoptrace/faults';
import { databaseSecretVars, env, loadConfig, tlsVars } from '@hoptrace/kit';
import { z } from 'zod';

export const InventoryConfig = z.object({
  PORT: env.port(Services.inventory.port),
  DATABASE_URL: env.url('postgres:// URL of the inventory database'),
  HOPTRACE_ADMIN_TOKEN: adminTokenVar(),
  LOG_LEVEL: env.logLevel(),
  ...databaseSecretVars,
  ...tlsVars,
});

export const readConfig = () => loadConfig(InventoryConfig);

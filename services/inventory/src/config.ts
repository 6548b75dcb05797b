import { env, loadConfig } from '@hoptrace/kit';
import { z } from 'zod';

export const InventoryConfig = z.object({
  PORT: env.port(8082),
  DATABASE_URL: env.url('postgres:// URL of the inventory database'),
  HOPTRACE_ADMIN_TOKEN: env.adminToken(),
  LOG_LEVEL: env.logLevel(),
});

export const readConfig = () => loadConfig(InventoryConfig);

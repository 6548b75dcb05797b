import { env, loadConfig } from '@hoptrace/kit';
import { z } from 'zod';

export const PaymentsConfig = z.object({
  PORT: env.port(8083),
  HOPTRACE_ADMIN_TOKEN: env.adminToken(),
  LOG_LEVEL: env.logLevel(),
});

export const readConfig = () => loadConfig(PaymentsConfig);

import { env, loadConfig } from '@hoptrace/kit';
import { z } from 'zod';

export const NotificationsConfig = z.object({
  PORT: env.port(8085),
  DATABASE_URL: env.url('postgres:// URL of the notifications database'),
  KAFKA_BROKERS: env.list('comma-separated Kafka bootstrap servers, host:port'),
  HOPTRACE_ADMIN_TOKEN: env.adminToken(),
  LOG_LEVEL: env.logLevel(),
});

export const readConfig = () => loadConfig(NotificationsConfig);

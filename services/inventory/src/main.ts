import { closeServer, createLogger, createPool, FaultAdmission, listen, migrate, runService } from '@hoptrace/kit';
import { buildApp } from './app';
import { readConfig } from './config';
import { InventoryStore, MIGRATIONS } from './store';

runService('inventory', async () => {
  const config = readConfig();
  const logger = createLogger('inventory', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger);
  await migrate(pool, MIGRATIONS);
  const store = new InventoryStore(pool);
  await store.seed();
  const app = buildApp({ store, logger, faults: new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN), readiness: [{ name: 'database', required: true, check: () => pool.query('SELECT 1') }] });
  const server = await listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'inventory listening');
  return { logger, service: { stop: async () => { await closeServer(server); await pool.end(); } } };
});

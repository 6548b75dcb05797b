import { Services } from '@hoptrace/contracts';
import { FaultAdmission, httpFaultHooks } from '@hoptrace/faults';
import { createLogger, createPool, migrate, mutualTls, runService, tlsIdentity } from '@hoptrace/kit';
import { buildApp } from './app';
import { readConfig } from './config';
import { InventoryStore, MIGRATIONS } from './store';

const SERVICE = Services.inventory;

void runService(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE.name, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger, undefined, { password: config.DATABASE_PASSWORD_FILE, tls: tlsIdentity(config) });
  await migrate(pool, MIGRATIONS);
  const store = new InventoryStore(pool);
  await store.seed();
  const hooks = httpFaultHooks(SERVICE.name, new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN));
  const app = buildApp({ store, logger, hooks, readiness: [{ name: 'database', required: true, check: () => pool.query('SELECT 1') }] });
  return { logger, http: { app, port: config.PORT, ...mutualTls(config) }, pool };
}).then((code) => process.exit(code));

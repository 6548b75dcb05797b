import { Services } from '@hoptrace/contracts';
import { FaultAdmission, httpFaultHooks } from '@hoptrace/faults';
import { createLogger, mutualTls, runService } from '@hoptrace/kit';
import { buildApp } from './app';
import { readConfig } from './config';
import { Ledger } from './ledger';

const SERVICE = Services.payments;

void runService(SERVICE, async () => {
  const config = readConfig();
  const logger = createLogger(SERVICE.name, config.LOG_LEVEL);
  const hooks = httpFaultHooks(SERVICE.name, new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN));
  return { logger, http: { app: buildApp({ ledger: new Ledger(), logger, hooks }), port: config.PORT, ...mutualTls(config) } };
}).then((code) => process.exit(code));

import { closeServer, createLogger, FaultAdmission, listen, runService } from '@hoptrace/kit';
import { buildApp } from './app';
import { readConfig } from './config';
import { Ledger } from './ledger';

runService('payments', async () => {
  const config = readConfig();
  const logger = createLogger('payments', config.LOG_LEVEL);
  const server = await listen(buildApp({ ledger: new Ledger(), logger, faults: new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN) }), config.PORT);
  logger.info({ port: config.PORT }, 'payments listening');
  return { logger, service: { stop: () => closeServer(server) } };
});

/**
 * `node packages/kit/dist/kafka-acls-cli.js`: compose's kafka-acls step in secure mode, the same
 * ACLs the native runner applies (kafka-acls.ts, derived from the service descriptors), created
 * as the operator's super user once the broker is healthy. Prints how many, never a secret.
 */
import { SERVICE_LIST } from '@hoptrace/contracts';
import { z } from 'zod';
import { env, loadConfig } from './config';
import { createKafka } from './kafka';
import { applyKafkaAcls } from './kafka-acls';
import { createLogger } from './logger';
import { kafkaSecretVars, tlsIdentity, tlsVars } from './tls';

const config = loadConfig(
  z.object({
    KAFKA_BROKERS: env.list('comma-separated Kafka bootstrap servers, host:port'),
    KAFKA_USER: z.string().min(1).describe('the Kafka super user that creates the ACLs'),
    ...tlsVars,
    ...kafkaSecretVars,
  }),
);
const tls = tlsIdentity(config);
if (!tls || !config.KAFKA_PASSWORD_FILE)
  throw new Error('kafka-acls runs in secure mode only: set TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE and KAFKA_PASSWORD_FILE');
const kafka = createKafka(config.KAFKA_USER, config.KAFKA_BROKERS, createLogger('kafka-acls', 'warn'), {
  tls,
  password: config.KAFKA_PASSWORD_FILE,
});
applyKafkaAcls(kafka, SERVICE_LIST).then(
  (acls) => console.log(`kafka-acls: ${acls.length} ACLs from the service descriptors`),
  (err: unknown) => {
    console.error(`kafka-acls: ${(err as Error).message}`);
    process.exit(1);
  },
);

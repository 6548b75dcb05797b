import { ADMIN_IDENTITY, type PkiPaths } from '../../../../packages/pki/src/index';
import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import { Agent } from 'undici';

/**
 * How the runner (and the tests) call a service in secure mode: trusting only the local CA and
 * presenting the operator's certificate (hoptrace-admin), as services present theirs to each other.
 */
export function adminDispatcher(pki: PkiPaths): Agent {
  return new Agent({
    connect: { ca: readFileSync(pki.ca), cert: readFileSync(pki.cert(ADMIN_IDENTITY)), key: readFileSync(pki.key(ADMIN_IDENTITY)) },
  });
}

/** The operator's Kafka login in secure mode: TLS trusting the local CA, SCRAM-SHA-512 as hoptrace-admin (a super user). */
export function adminKafkaOptions(pki: PkiPaths): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ssl: { ca: [readFileSync(pki.ca)] },
    sasl: { mechanism: 'scram-sha-512', username: ADMIN_IDENTITY, password: readFileSync(pki.secret('kafka', ADMIN_IDENTITY), 'utf8') },
  };
}

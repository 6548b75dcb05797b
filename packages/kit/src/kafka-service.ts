import type { Server } from 'node:http';
import type { Kafka } from 'kafkajs';
import { createPool, FAULT_MARKS_MIGRATION, faultMarksIn, migrate, type Pool } from './db';
import type { FaultMarks } from './event-consumer';
import { FaultAdmission } from './fault-admission';
import type { ReadinessCheck } from './http-app';
import { createKafka, ensureTopics, keepTrying, ManagedProducer, pingKafka } from './kafka';
import { closeServer } from './lifecycle';
import { createLogger, type Logger } from './logger';

/** What a service that owns a database and talks Kafka opens at start-up. */
export interface KafkaServiceResources {
  logger: Logger;
  pool: Pool;
  kafka: Kafka;
  producer: ManagedProducer;
  faultMarks: FaultMarks;
  /** Checks the fault entries of requests and messages (key derived from the admin token). */
  faults: FaultAdmission;
}

export async function openKafkaService(
  name: string,
  config: { DATABASE_URL: string; KAFKA_BROKERS: string[]; LOG_LEVEL: string; HOPTRACE_ADMIN_TOKEN: string },
  migrations: string[],
): Promise<KafkaServiceResources> {
  const logger = createLogger(name, config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger);
  await migrate(pool, [...migrations, FAULT_MARKS_MIGRATION]);
  const kafka = createKafka(name, config.KAFKA_BROKERS, logger);
  return { logger, pool, kafka, producer: new ManagedProducer(kafka), faultMarks: faultMarksIn(pool), faults: new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN) };
}

/** Database required; Kafka required unless the service keeps working without it (orders' outbox). */
export function kafkaServiceReadiness(r: KafkaServiceResources, kafkaRequired: boolean): ReadinessCheck[] {
  return [
    { name: 'database', required: true, check: () => r.pool.query('SELECT 1') },
    { name: 'kafka', required: kafkaRequired, check: () => pingKafka(r.kafka) },
  ];
}

/**
 * Creates the topics and starts the consumers in the background, retrying until Kafka answers:
 * a service starts (and answers HTTP) while Kafka is down. Returns the graceful stop: no new HTTP
 * requests, consumers finish the message in hand and commit, then producer and pool close.
 */
export function startConsumers(r: KafkaServiceResources, topics: string[], consumers: { start(): Promise<void>; stop(): Promise<void> }[], server: () => Server | undefined,
  before: () => Promise<void> = async () => {}): () => Promise<void> {
  let stopping = false;
  const started = keepTrying('starting Kafka consumers', async () => {
    await ensureTopics(r.kafka, topics);
    for (const consumer of consumers) await consumer.start();
  }, r.logger, () => stopping);
  return async () => {
    stopping = true;
    const s = server();
    if (s) await closeServer(s);
    await before();
    await started;
    // In parallel: each waits out its fetch in flight (up to kafkajs' maxWaitTime, 5 s).
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await r.producer.disconnect();
    await r.pool.end();
  };
}

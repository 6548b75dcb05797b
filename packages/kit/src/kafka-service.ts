import { topicsOf, type ServiceDescriptor } from '@hoptrace/contracts';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { ConfigError, env } from './config';
import { createPool, migrate, type Pool } from './db';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';
import type { ReadinessCheck } from './http-app';
import { createKafka, ManagedProducer, pingKafka, type TopicLayout } from './kafka';
import type { ServiceParts, Startable } from './lifecycle';
import { tlsIdentity, type TlsIdentity } from './tls';
import { createLogger, type Logger } from './logger';

const count = (fallback: number, what: string) => z.coerce.number().int().positive().default(fallback).describe(what);

/**
 * The configuration every Kafka client service shares (spread into its schema): the brokers it
 * bootstraps from and the layout of the topics it creates.
 */
export const kafkaClientConfig = {
  KAFKA_BROKERS: env.list('comma-separated Kafka bootstrap servers, host:port (every broker of the cluster)'),
  KAFKA_TOPIC_PARTITIONS: count(3, 'partitions of each topic the service creates'),
  KAFKA_TOPIC_REPLICATION_FACTOR: count(1, 'replicas of each topic the service creates (at most the number of brokers)'),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: count(1, 'min.insync.replicas of each topic the service creates (at most its replication factor)'),
};

type KafkaClientConfig = {
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_TOPIC_REPLICATION_FACTOR: number;
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: number;
};

/** What a service that owns a database and talks Kafka opens at start-up. */
export interface KafkaServiceResources {
  logger: Logger;
  pool: Pool;
  kafka: Kafka;
  producer: ManagedProducer;
  topicLayout: TopicLayout;
}

export async function openKafkaService(
  name: string,
  config: {
    DATABASE_URL: string;
    LOG_LEVEL: string;
    DATABASE_PASSWORD_FILE?: string;
    KAFKA_PASSWORD_FILE?: string;
  } & KafkaClientConfig &
    Parameters<typeof tlsIdentity>[0],
  migrations: string[],
): Promise<KafkaServiceResources> {
  const logger = createLogger(name, config.LOG_LEVEL);
  const tls: TlsIdentity | undefined = tlsIdentity(config);
  const pool = createPool(config.DATABASE_URL, logger, undefined, { password: config.DATABASE_PASSWORD_FILE, tls });
  await migrate(pool, migrations);
  if (tls && !config.KAFKA_PASSWORD_FILE)
    throw new ConfigError('invalid configuration:\n  set KAFKA_PASSWORD_FILE: secure mode authenticates to Kafka with SCRAM-SHA-512');
  const kafka = createKafka(
    name,
    config.KAFKA_BROKERS,
    logger,
    tls && config.KAFKA_PASSWORD_FILE ? { tls, password: config.KAFKA_PASSWORD_FILE } : undefined,
  );
  const topicLayout = {
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS,
  };
  return { logger, pool, kafka, producer: new ManagedProducer(kafka), topicLayout };
}

/** Database required; Kafka required unless the service keeps working without it (orders' outbox). */
export function kafkaServiceReadiness(r: KafkaServiceResources, kafkaRequired: boolean): ReadinessCheck[] {
  return [
    { name: 'database', required: true, check: () => r.pool.query('SELECT 1') },
    { name: 'kafka', required: kafkaRequired, check: () => pingKafka(r.kafka) },
  ];
}

/** A service's consumer of one event schema: its group is the service's name, its topics those its descriptor consumes. */
export function serviceConsumer<T>(
  service: ServiceDescriptor,
  r: KafkaServiceResources,
  options: Pick<EventConsumerOptions<T>, 'decode' | 'handle' | 'interceptors'>,
): EventConsumer<T> {
  return new EventConsumer<T>({
    kafka: r.kafka,
    producer: r.producer,
    logger: r.logger,
    groupId: service.name,
    topics: [...service.consumes],
    ...options,
  });
}

/** The parts of a Kafka service its lifecycle starts and stops: the consumers (with the topics it creates), producer and pool. */
export function kafkaServiceParts(
  service: ServiceDescriptor,
  r: KafkaServiceResources,
  consumers: Startable[],
): Pick<ServiceParts, 'kafka' | 'producer' | 'pool'> {
  return {
    kafka: { client: r.kafka, topics: topicsOf(service), layout: r.topicLayout, consumers },
    producer: r.producer,
    pool: r.pool,
  };
}

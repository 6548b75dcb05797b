import { Kafka, logLevel, Partitioners, type LogEntry, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { quietIdleKafkaQueues } from './kafkajs-idle-queue';
import type { Logger } from './logger';
import type { TlsIdentity } from './tls';

/** Secure mode: TLS trusting only the stack's CA, and SCRAM-SHA-512 as the client (its user is its client id). */
export interface KafkaSecurity {
  tls: TlsIdentity;
  password: string;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through pino (so they carry trace ids) at warn and above. */
export function createKafka(clientId: string, brokers: string[], logger: Logger, security?: KafkaSecurity): Kafka {
  quietIdleKafkaQueues();
  return new Kafka({
    clientId,
    brokers,
    ...(security
      ? {
          ssl: { ca: [security.tls.ca] },
          sasl: { mechanism: 'scram-sha-512' as const, username: clientId, password: security.password },
        }
      : {}),
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 8 },
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[levels[level] ?? 'info']({ kafka: { namespace, ...extra } }, message);
      },
  });
}

/** How the topics a service creates are laid out (KAFKA_TOPIC_* in its configuration). */
export interface TopicLayout {
  partitions: number;
  replicationFactor: number;
  /** A write with acks=all succeeds only with this many replicas in sync. */
  minInsyncReplicas: number;
}

/** One broker: what a service creates when nothing says otherwise. */
export const SINGLE_BROKER_LAYOUT: TopicLayout = { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 };

/**
 * Creates the topics a service owns or reads (and their dead-letter topics); existing ones are
 * kept. With fewer brokers up than the replication factor the broker refuses, and the caller
 * tries again (the lifecycle does, until the cluster is whole).
 */
export async function ensureTopics(kafka: Kafka, topics: string[], layout: TopicLayout = SINGLE_BROKER_LAYOUT): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length) {
      try {
        await admin.createTopics({
          topics: missing.map((topic) => ({
            topic,
            numPartitions: layout.partitions,
            replicationFactor: layout.replicationFactor,
            configEntries: [{ name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) }],
          })),
          waitForLeaders: true,
        });
      } catch (err) {
        // Services start together and create shared topics concurrently: someone else winning is fine.
        const errors = (err as { errors?: { type?: string }[] }).errors ?? [];
        if (!errors.length || errors.some((e) => e.type !== 'TOPIC_ALREADY_EXISTS')) throw err;
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** What sends messages: the managed producer, or a fake in unit tests. */
export interface MessageSender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

/**
 * An idempotent producer (with acks=all a retried send is written once) that connects on first
 * use and again after a failed connect, so a service can start, and keep its outbox, while Kafka
 * is down. Once connected, kafkajs re-establishes broker connections by itself.
 */
export class ManagedProducer implements MessageSender {
  readonly producer: Producer;
  private connected = false;
  private connecting?: Promise<void>;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    await this.connect();
    return this.producer.send(record);
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.producer
      .connect()
      .then(() => {
        this.connected = true;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    await this.connecting;
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

/** Kafka reachable: a Metadata round trip, for readiness checks. */
export async function pingKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Repeats `attempt` with backoff until it succeeds or `stopped()` says to give up. For start-up
 * work that must wait for a dependency (Kafka may start later than a service, or be down).
 */
export async function keepTrying(
  what: string,
  attempt: () => Promise<void>,
  logger: Logger,
  stopped: () => boolean = () => false,
): Promise<boolean> {
  for (let delay = 500; !stopped(); delay = Math.min(delay * 2, 10_000)) {
    try {
      await attempt();
      return true;
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, `${what} failed; retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
  return false;
}

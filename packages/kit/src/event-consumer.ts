import { dlqOf, DlqHeaders } from '@hoptrace/contracts';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { watchConsumerLag } from './consumer-lag';
import { isAppError } from './errors';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepTrying, type MessageSender } from './kafka';
import type { Logger } from './logger';
import { RebalanceTelemetry } from './rebalance';

/** A message the consumer cannot use as it is; it goes straight to the dead-letter topic. */
export class MalformedMessage extends Error {}

export interface Delivery {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  key?: string;
  headers: IHeaders;
}

/**
 * Hooks around the handling of messages, e.g. fault injection. Each calls `next` to go on, or
 * throws: a throw from `aroundAttempt` counts as a failed attempt.
 */
export interface MessageInterceptor {
  /** Around everything done for one message: decoding, every attempt, dead-lettering. */
  aroundMessage?(delivery: Delivery, next: () => Promise<void>): Promise<void>;
  /** Around each attempt at handling a decoded message (the first is 1). */
  aroundAttempt?(delivery: Delivery, attempt: number, next: () => Promise<void>): Promise<void>;
}

export interface EventConsumerOptions<T> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  decode: (message: KafkaMessage, topic: string) => T;
  handle: (event: T, delivery: Delivery) => Promise<void>;
  /** Publishes dead letters; the service's idempotent producer. */
  producer: MessageSender;
  logger: Logger;
  maxAttempts?: number;
  baseBackoffMs?: number;
  /**
   * Partitions handled at once (kafkajs' partitionsConsumedConcurrently; default 3, the partitions
   * of a topic here). Messages of one partition, and so of one order (keyed by order id), stay in
   * order; a slow handler holds up only its own partition.
   */
  partitionsConcurrently?: number;
  /** Outermost first. */
  interceptors?: MessageInterceptor[];
}

/** Decodes a JSON event with its contract schema; anything else is malformed. */
export function jsonEvent<S extends z.ZodType>(schema: S): (message: KafkaMessage) => z.infer<S> {
  return (message) => {
    let value: unknown;
    try {
      value = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      throw new MalformedMessage('value is not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new MalformedMessage(
        `does not match the schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data;
  };
}

const deadLetters = metrics.getMeter('hoptrace.kafka').createCounter('hoptrace.dlq.messages', {
  unit: '{message}',
  description: 'messages published to a dead-letter topic',
});

/** Errors the same message would hit again on every retry. */
const isPermanent = (err: unknown) => err instanceof MalformedMessage || (isAppError(err) && err.status >= 400 && err.status < 500);

/**
 * Consumes events one at a time per partition (eachMessage, so each handler runs inside the kafkajs
 * instrumentation's process span, a child of the producer's send span). A failing message is
 * retried with exponential backoff a bounded number of times, then published to `<topic>.dlq`
 * with its original headers plus the error; a malformed one goes there at once. Either way the
 * offset moves on, so one bad message never becomes a crash loop. The offset of a message is
 * committed only after its handler (or its dead-lettering) finished: what the handler made
 * durable is never re-done without the dedupe check seeing it.
 */
export class EventConsumer<T> {
  private consumer?: Consumer;
  private unwatchLag?: () => Promise<void>;
  private stopped = false;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly rebalances: RebalanceTelemetry;

  constructor(private readonly options: EventConsumerOptions<T>) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
    this.rebalances = new RebalanceTelemetry(options.groupId, options.logger);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    // A short session: a consumer that crashed (SIGKILL) gives its partitions back within 10 s.
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    this.stopped = false;
    this.rebalances.watch(consumer);
    // kafkajs restarts a crashed consumer only after retriable errors; after others (e.g. "Failed
    // to find group coordinator" while the broker was down) it stays stopped for good. Start over.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopped || this.consumer !== consumer) return;
      this.options.logger.warn({ err: { message: payload.error.message }, groupId }, 'Kafka consumer crashed; starting it again');
      void this.restart(consumer);
    });
    try {
      await consumer.connect();
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    } catch (err) {
      // Leave nothing half-connected behind: start() is retried until Kafka answers.
      await consumer.disconnect().catch(() => undefined);
      this.consumer = undefined;
      throw err;
    }
    this.unwatchLag ??= watchConsumerLag(kafka, groupId, topics);
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachMessage: ({ topic, partition, message, heartbeat }) => {
        const delivery = {
          groupId,
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8'),
          headers: message.headers ?? {},
        };
        return this.around('aroundMessage', delivery, () => this.process(message, delivery, heartbeat));
      },
    });
  }

  private async restart(crashed: Consumer): Promise<void> {
    this.consumer = undefined;
    this.rebalances.left();
    await crashed.disconnect().catch(() => undefined);
    await keepTrying(
      'restarting the Kafka consumer',
      () => this.start(),
      this.options.logger,
      () => this.stopped,
    );
  }

  /** `work` inside the interceptors' hooks of that name, the first interceptor outermost. */
  private around(hook: 'aroundMessage', delivery: Delivery, work: () => Promise<void>): Promise<void>;
  private around(hook: 'aroundAttempt', delivery: Delivery, work: () => Promise<void>, attempt: number): Promise<void>;
  private around(hook: keyof MessageInterceptor, delivery: Delivery, work: () => Promise<void>, attempt = 0): Promise<void> {
    return (this.options.interceptors ?? []).reduceRight<() => Promise<void>>((next, interceptor) => {
      if (hook === 'aroundMessage' && interceptor.aroundMessage) return () => interceptor.aroundMessage!(delivery, next);
      if (hook === 'aroundAttempt' && interceptor.aroundAttempt) return () => interceptor.aroundAttempt!(delivery, attempt, next);
      return next;
    }, work)();
  }

  private async process(message: KafkaMessage, delivery: Delivery, heartbeat: () => Promise<void>): Promise<void> {
    const { logger, decode, handle } = this.options;
    const span = trace.getActiveSpan();
    // The instrumentation names the partition; which group (and, by the resource, which replica) did the work is ours to say.
    span?.setAttribute('messaging.consumer.group.name', delivery.groupId);
    let event: T;
    try {
      event = decode(message, delivery.topic);
    } catch (err) {
      return this.deadLetter(message, delivery, err as Error, 0);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.around('aroundAttempt', delivery, () => handle(event, delivery), attempt);
        return;
      } catch (err) {
        span?.addEvent('retry', { 'hoptrace.attempt': attempt, 'exception.message': (err as Error).message });
        if (attempt >= this.maxAttempts || isPermanent(err)) return this.deadLetter(message, delivery, err as Error, attempt);
        logger.warn(
          { topic: delivery.topic, offset: delivery.offset, attempt, err: { message: (err as Error).message } },
          'event handling failed; retrying',
        );
        await sleep(this.baseBackoffMs * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async deadLetter(message: KafkaMessage, delivery: Delivery, err: Error, attempts: number): Promise<void> {
    const { producer, logger, groupId } = this.options;
    const dlq = dlqOf(delivery.topic);
    const span = trace.getActiveSpan();
    span?.recordException(err);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    span?.setAttribute('hoptrace.dead_lettered', true);
    // If this send fails (Kafka down), the handler throws and kafkajs redelivers the message later:
    // a dead letter is never lost.
    await producer.send({
      topic: dlq,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...delivery.headers,
            [DlqHeaders.error]: err.message.slice(0, 1000),
            [DlqHeaders.attempts]: String(attempts),
            [DlqHeaders.originalTopic]: delivery.topic,
            [DlqHeaders.consumer]: groupId,
          },
        },
      ],
    });
    deadLetters.add(1, { 'messaging.destination.name': dlq, 'messaging.consumer.group.name': groupId });
    logger.error({ topic: delivery.topic, offset: delivery.offset, dlq, attempts, err: { message: err.message } }, 'event dead-lettered');
  }

  /** Stops fetching, lets the message in hand finish, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
    this.rebalances.left();
    await this.unwatchLag?.();
  }
}

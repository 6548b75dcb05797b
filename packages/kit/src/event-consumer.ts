import { dlqOf, DlqHeaders } from '@hoptrace/contracts';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { watchConsumerLag } from './consumer-lag';
import { isAppError } from './errors';
import { withAdmittedFaults, type FaultAdmission } from './fault-admission';
import { activeFault, recordFault, sleep, type Fault } from './faults';
import { flushTelemetry } from '@hoptrace/telemetry';
import { keepTrying, type MessageSender } from './kafka';
import type { Logger } from './logger';

/** A message the consumer cannot use as it is; it goes straight to the dead-letter topic. */
export class MalformedMessage extends Error {}

export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
  key?: string;
  headers: IHeaders;
  /**
   * A point in the middle of the handler's work where an injected `crash` fault stops the process
   * (after something was made durable, before the rest): the redelivery must finish the job once.
   */
  checkpoint: (step: string) => Promise<void>;
}

/** Remembers which messages already had their injected crash, so a redelivery is not crashed again. */
export interface FaultMarks {
  markOnce(key: string): Promise<boolean>;
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
  /** This service's name: the target that fault entries address. */
  service?: string;
  /** Which fault entries a message may carry: those whose signature holds (others are dropped). */
  faults: FaultAdmission;
  faultMarks?: FaultMarks;
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
      throw new MalformedMessage(`does not match the schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`);
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
 * Consumes events one at a time (eachMessage, so each handler runs inside the kafkajs
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

  constructor(private readonly options: EventConsumerOptions<T>) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    // A short session: a consumer that crashed (SIGKILL) gives its partitions back within 10 s.
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 10 } });
    this.consumer = consumer;
    this.stopped = false;
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
      // In the message's context minus the fault entries that fail admission: a message produced
      // straight to the topic by anyone cannot fault this consumer, nor what it sends on.
      eachMessage: ({ topic, partition, message, heartbeat }) => withAdmittedFaults(this.options.faults, () =>
        this.process(message, { topic, partition, offset: message.offset, key: message.key?.toString('utf8'), headers: message.headers ?? {} }, heartbeat)),
    });
  }

  private async restart(crashed: Consumer): Promise<void> {
    this.consumer = undefined;
    await crashed.disconnect().catch(() => undefined);
    await keepTrying('restarting the Kafka consumer', () => this.start(), this.options.logger, () => this.stopped);
  }

  private async process(message: KafkaMessage, received: Omit<Delivery, 'checkpoint'>, heartbeat: () => Promise<void>): Promise<void> {
    const { logger, decode, handle } = this.options;
    const span = trace.getActiveSpan();
    const fault = this.options.service ? activeFault(this.options.faults, this.options.service, received.topic) : undefined;
    const delivery: Delivery = { ...received, checkpoint: (step) => this.crashIfAsked(fault, received, step) };
    let event: T;
    try {
      event = decode(message, delivery.topic);
    } catch (err) {
      return this.deadLetter(message, delivery, err as Error, 0);
    }
    if (fault?.kind === 'latency' || fault?.kind === 'hang') {
      recordFault(fault);
      // A consumer cannot hang forever without losing its partitions: `hang` holds the message 30 s.
      await sleep(fault.param ?? (fault.kind === 'hang' ? 30_000 : 1000));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        if (fault?.kind === 'error') {
          recordFault(fault);
          throw new Error(`injected error in ${fault.service}`);
        }
        await handle(event, delivery);
        return;
      } catch (err) {
        span?.addEvent('retry', { 'hoptrace.attempt': attempt, 'exception.message': (err as Error).message });
        if (attempt >= this.maxAttempts || isPermanent(err)) return this.deadLetter(message, delivery, err as Error, attempt);
        logger.warn({ topic: delivery.topic, offset: delivery.offset, attempt, err: { message: (err as Error).message } }, 'event handling failed; retrying');
        await sleep(this.baseBackoffMs * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  /** An injected crash: the process exits mid-message, once per message, without committing. */
  private async crashIfAsked(fault: Fault | undefined, delivery: Omit<Delivery, 'checkpoint'>, step: string): Promise<void> {
    if (fault?.kind !== 'crash') return;
    const key = `${this.options.groupId}/${delivery.topic}/${delivery.partition}/${delivery.offset}`;
    if (this.options.faultMarks && !(await this.options.faultMarks.markOnce(key))) return;
    recordFault(fault);
    const span = trace.getActiveSpan();
    span?.addEvent('process.crash', { 'hoptrace.crash.step': step });
    // End the process span now: an unended span is never exported, and with it the evidence.
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `injected crash after ${step}` });
    span?.end();
    this.options.logger.error({ topic: delivery.topic, offset: delivery.offset, step }, 'injected crash: exiting mid-message');
    await Promise.race([flushTelemetry(), sleep(2000)]);
    process.exit(70);
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
      messages: [{
        key: message.key,
        value: message.value,
        headers: {
          ...delivery.headers,
          [DlqHeaders.error]: err.message.slice(0, 1000),
          [DlqHeaders.attempts]: String(attempts),
          [DlqHeaders.originalTopic]: delivery.topic,
          [DlqHeaders.consumer]: groupId,
        },
      }],
    });
    deadLetters.add(1, { 'messaging.destination.name': dlq, 'messaging.consumer.group.name': groupId });
    logger.error({ topic: delivery.topic, offset: delivery.offset, dlq, attempts, err: { message: err.message } }, 'event dead-lettered');
  }

  /** Stops fetching, lets the message in hand finish, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
    await this.unwatchLag?.();
  }
}

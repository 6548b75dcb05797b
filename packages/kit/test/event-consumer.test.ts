import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, KafkaMessage, ProducerRecord, RecordMetadata } from 'kafkajs';
import pino from 'pino';
import { z } from 'zod';
import { AppError, Conflict } from '../src/errors';
import { EventConsumer, jsonEvent, MalformedMessage, type Delivery } from '../src/event-consumer';

const Ping = z.object({ id: z.uuid(), n: z.number().int() });
type Ping = z.infer<typeof Ping>;
const ID = '6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const message = (value: string | null): KafkaMessage => ({
  key: Buffer.from(ID),
  value: value === null ? null : Buffer.from(value),
  timestamp: '0',
  attributes: 0,
  offset: '7',
  headers: { traceparent: TRACEPARENT },
});
const delivery: Delivery = {
  groupId: 'fulfillment',
  topic: 'orders.placed',
  partition: 0,
  offset: '7',
  key: ID,
  headers: { traceparent: TRACEPARENT },
};

/** A consumer whose handler fails the given number of times (Infinity: always) with `failure`. */
function consumerThat(failures: number, failure: () => Error = () => new Error('database is down')) {
  const sent: ProducerRecord[] = [];
  const handled: Ping[] = [];
  let heartbeats = 0;
  let calls = 0;
  const consumer = new EventConsumer<Ping>({
    kafka: {} as Kafka,
    groupId: 'fulfillment',
    topics: ['orders.placed'],
    decode: jsonEvent(Ping),
    handle: async (event) => {
      calls++;
      if (calls <= failures) throw failure();
      handled.push(event);
    },
    producer: {
      send: async (record): Promise<RecordMetadata[]> => {
        sent.push(record);
        return [];
      },
    },
    logger: pino({ level: 'silent' }),
    maxAttempts: 3,
    baseBackoffMs: 1,
  });
  const process = (m: KafkaMessage) =>
    (
      consumer as unknown as {
        process(m: KafkaMessage, d: Delivery, heartbeat: () => Promise<void>): Promise<void>;
      }
    ).process(m, delivery, async () => {
      heartbeats++;
    });
  return { process, sent, handled, calls: () => calls, heartbeats: () => heartbeats };
}

const good = JSON.stringify({ id: ID, n: 1 });

test('jsonEvent decodes a JSON value that matches the schema', () => {
  assert.deepEqual(jsonEvent(Ping)(message(good)), { id: ID, n: 1 });
});

test('jsonEvent calls a value that is not JSON malformed', () => {
  assert.throws(
    () => jsonEvent(Ping)(message('{not json')),
    (err) => err instanceof MalformedMessage && /not JSON/.test(err.message),
  );
  assert.throws(() => jsonEvent(Ping)(message(null)), MalformedMessage);
});

test('jsonEvent calls JSON that does not match the schema malformed, naming the field', () => {
  assert.throws(
    () => jsonEvent(Ping)(message(JSON.stringify({ id: 'nope', n: 1 }))),
    (err) => err instanceof MalformedMessage && /does not match the schema: id /.test(err.message),
  );
});

test('a handler that fails twice then succeeds is retried and not dead-lettered', async () => {
  const c = consumerThat(2);
  await c.process(message(good));
  assert.equal(c.calls(), 3);
  assert.deepEqual(c.handled, [{ id: ID, n: 1 }]);
  assert.equal(c.sent.length, 0);
  assert.equal(c.heartbeats(), 2);
});

test('a handler that always fails is dead-lettered once after maxAttempts, with the original headers and the error', async () => {
  const c = consumerThat(Infinity);
  await c.process(message(good));
  assert.equal(c.calls(), 3);
  assert.equal(c.sent.length, 1);
  const record = c.sent[0]!;
  assert.equal(record.topic, 'orders.placed.dlq');
  assert.equal(record.messages.length, 1);
  const dead = record.messages[0]!;
  assert.equal(String(dead.key), ID);
  assert.equal(String(dead.value), good);
  assert.deepEqual(dead.headers, {
    traceparent: TRACEPARENT,
    'hoptrace-dlq-error': 'database is down',
    'hoptrace-dlq-attempts': '3',
    'hoptrace-dlq-original-topic': 'orders.placed',
    'hoptrace-dlq-consumer': 'fulfillment',
  });
});

test('a malformed message is dead-lettered at once with attempts 0 and the handler is never called', async () => {
  const c = consumerThat(0);
  await c.process(message('{not json'));
  assert.equal(c.calls(), 0);
  assert.equal(c.sent.length, 1);
  const headers = c.sent[0]!.messages[0]!.headers!;
  assert.equal(c.sent[0]!.topic, 'orders.placed.dlq');
  assert.equal(headers['hoptrace-dlq-attempts'], '0');
  assert.equal(headers['hoptrace-dlq-error'], 'value is not JSON');
  assert.equal(headers.traceparent, TRACEPARENT);
});

test('a 4xx AppError is permanent: dead-lettered after one attempt', async () => {
  const c = consumerThat(Infinity, () => new Conflict('already_shipped', 'order already shipped'));
  await c.process(message(good));
  assert.equal(c.calls(), 1);
  assert.equal(c.sent.length, 1);
  assert.equal(c.sent[0]!.messages[0]!.headers!['hoptrace-dlq-attempts'], '1');
  assert.equal(c.sent[0]!.messages[0]!.headers!['hoptrace-dlq-error'], 'order already shipped');
});

test('a 5xx AppError is retried like any transient failure', async () => {
  const c = consumerThat(Infinity, () => new AppError(503, 'dependency_unavailable', 'inventory is unavailable'));
  await c.process(message(good));
  assert.equal(c.calls(), 3);
  assert.equal(c.sent[0]!.messages[0]!.headers!['hoptrace-dlq-attempts'], '3');
});

test('a dead letter that cannot be sent fails the message, so Kafka redelivers it', async () => {
  let attempts = 0;
  const failing = new EventConsumer<Ping>({
    kafka: {} as Kafka,
    groupId: 'g',
    topics: ['t'],
    decode: jsonEvent(Ping),
    handle: async () => undefined,
    producer: {
      send: async () => {
        attempts++;
        throw new Error('broker down');
      },
    },
    logger: pino({ level: 'silent' }),
    maxAttempts: 3,
    baseBackoffMs: 1,
  });
  const process = (failing as unknown as { process(m: KafkaMessage, d: Delivery, h: () => Promise<void>): Promise<void> }).process.bind(
    failing,
  );
  await assert.rejects(
    process(message('{not json'), delivery, async () => undefined),
    /broker down/,
  );
  assert.equal(attempts, 1);
});

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { propagatorFromEnv } from '@hoptrace/telemetry';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import pino from 'pino';
import { OutboxRelay } from '../src/outbox-relay';
import type { OutboxPass, OutboxRow } from '../src/store';

before(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagatorFromEnv());
});

const traceparent = (n: number) => `00-${String(n).padStart(32, '0')}-${String(n).padStart(16, '0')}-01`;
const row = (n: number): OutboxRow => ({
  id: String(n),
  eventId: `e${n}`,
  topic: 'orders.placed',
  key: `order-${n}`,
  payload: { n },
  headers: { traceparent: traceparent(n) },
  createdAt: new Date(0),
});

/**
 * An outbox in memory with the claim's semantics (OrdersStore.claimOutbox): one pass at a time
 * (the advisory lock; a pass waits for the one before), marks committed at the end of a pass, none
 * when its holder is killed (`kill()`: its session gone, the lock released). And a producer that
 * records what it sent and in which trace, failing while `down`.
 */
function setup(rows: OutboxRow[]) {
  const unsent = [...rows];
  const marked: string[] = [];
  /** The ids of each pass's UPDATE: one each. */
  const updates: string[][] = [];
  const sent: { record: ProducerRecord; traceId?: string }[] = [];
  let down = 0;
  let lock: Promise<void> = Promise.resolve();
  let kill: () => void = () => undefined;
  let passes = 0;
  const markSent = (ids: string[]) => {
    updates.push([...ids]);
    for (const id of ids) {
      marked.push(id);
      unsent.splice(
        unsent.findIndex((r) => r.id === id),
        1,
      );
    }
  };
  const store = {
    unsentOutbox: async (limit: number) => unsent.slice(0, limit),
    claimOutbox: async (limit: number, _waitMs: number, relay: (rows: OutboxRow[]) => Promise<OutboxPass>): Promise<OutboxPass> => {
      const before = lock;
      let release!: () => void;
      lock = new Promise((resolve) => {
        release = resolve;
      });
      await before;
      passes++;
      try {
        const killed = new Promise<never>((_, reject) => {
          kill = () => reject(new Error('session terminated'));
        });
        const pass = await Promise.race([relay(await store.unsentOutbox(limit)), killed]);
        if (pass.sent.length) markSent(pass.sent);
        if (pass.failure !== undefined) throw pass.failure;
        return pass;
      } finally {
        release();
      }
    },
  };
  const producer = {
    send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
      if (down > 0) {
        down--;
        throw new Error('broker down');
      }
      sent.push({ record, traceId: trace.getSpanContext(context.active())?.traceId });
      return [];
    },
  };
  return {
    store,
    producer,
    marked,
    updates,
    sent,
    unsent,
    failNext: (n: number) => {
      down = n;
    },
    kill: () => kill(),
    passes: () => passes,
  };
}

const logger = pino({ level: 'silent' });
const until = async (what: string, condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

test('rows are sent in order, each in the trace of the request that wrote it, with acks=all, and marked sent after', async () => {
  const s = setup([row(1), row(2), row(3)]);
  const relay = new OutboxRelay(s.store, s.producer, logger);
  assert.equal(await relay.relayOnce(), 3);
  assert.deepEqual(
    s.sent.map((x) => x.record.messages[0]!.key),
    ['order-1', 'order-2', 'order-3'],
  );
  assert.deepEqual(
    s.sent.map((x) => x.traceId),
    [1, 2, 3].map((n) => String(n).padStart(32, '0')),
  );
  assert.ok(s.sent.every((x) => x.record.acks === -1 && x.record.topic === 'orders.placed'));
  assert.deepEqual(JSON.parse(String(s.sent[0]!.record.messages[0]!.value)), { n: 1 });
  assert.deepEqual(s.updates, [['1', '2', '3']], 'one UPDATE for the batch, after its last send');
});

test('a row whose send fails is not marked sent; the rows after it wait, and nothing is lost', async () => {
  const s = setup([row(1), row(2)]);
  const relay = new OutboxRelay(s.store, s.producer, logger);
  s.failNext(1);
  await assert.rejects(relay.relayOnce(), /broker down/);
  assert.deepEqual(s.marked, []);
  assert.equal(await relay.relayOnce(), 2);
  assert.deepEqual(s.marked, ['1', '2']);
});

test('when a send fails mid-batch, the rows sent before it are marked and the rest wait', async () => {
  const s = setup([row(1), row(2), row(3)]);
  let sends = 0;
  const flaky = {
    send: async (record: ProducerRecord) => {
      if (++sends === 2) throw new Error('broker down');
      return s.producer.send(record);
    },
  };
  const relay = new OutboxRelay(s.store, flaky, logger);
  await assert.rejects(relay.relayOnce(), /broker down/);
  assert.deepEqual(s.marked, ['1']);
  assert.deepEqual(
    s.unsent.map((r) => r.id),
    ['2', '3'],
  );
});

test('a row announced with wake() is sent at once, without waiting for the idle poll', async () => {
  const s = setup([]);
  const relay = new OutboxRelay(s.store, s.producer, logger, 60_000);
  relay.start();
  await until('the relay idle', () => s.sent.length === 0 && (relay as unknown as { wakeUp?: unknown }).wakeUp !== undefined);
  s.unsent.push(row(1));
  relay.wake();
  await until('the announced row sent', () => s.marked.length === 1, 1000);
  await relay.stop();
});

test('a wake() that comes while the relay is reading the outbox is not lost', async () => {
  const s = setup([]);
  let reads = 0;
  const relay: OutboxRelay = new OutboxRelay(
    {
      // The row commits (and is announced) just after the relay's query saw an empty outbox.
      claimOutbox: (limit: number, waitMs: number, relay: (rows: OutboxRow[]) => Promise<OutboxPass>) =>
        s.store.claimOutbox(limit, waitMs, async (rows) => {
          if (++reads === 1) {
            s.unsent.push(row(1));
            relay.wake();
          }
          return relay(rows);
        }),
    },
    s.producer,
    logger,
    60_000,
  );
  relay.start();
  await until('the row sent', () => s.marked.length === 1, 1000);
  await relay.stop();
});

test('running, the relay backs off while Kafka is down and sends everything once it is back', async () => {
  const s = setup([row(1), row(2)]);
  const relay = new OutboxRelay(s.store, s.producer, logger, 5);
  s.failNext(2);
  relay.start();
  await until('both rows sent', () => s.marked.length === 2);
  await relay.stop();
  assert.deepEqual(
    s.sent.map((x) => x.record.messages[0]!.key),
    ['order-1', 'order-2'],
    'each sent once it could be, in order',
  );
});

test('stop finishes the row in hand, then stops; rows left behind stay unsent for the next start', async () => {
  const rows = [row(1), row(2), row(3)];
  const s = setup(rows);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let inFlight = 0;
  const slow = {
    send: async (record: ProducerRecord) => {
      inFlight++;
      await gate;
      return s.producer.send(record);
    },
  };
  const relay = new OutboxRelay(s.store, slow, logger, 5);
  relay.start();
  await until('the first send in flight', () => inFlight === 1);
  const stopped = relay.stop();
  release();
  await stopped;
  assert.deepEqual(s.marked, ['1'], 'the row in hand was finished and marked');
  assert.equal(s.unsent.length, 2);
});

const keys = (sent: { record: ProducerRecord }[]) => sent.map((x) => x.record.messages[0]!.key);

test('two relays on one outbox, both woken for every row: each row sent once, in the order written', async () => {
  const s = setup([]);
  const a = new OutboxRelay(s.store, s.producer, logger, 60_000);
  const b = new OutboxRelay(s.store, s.producer, logger, 60_000);
  a.start();
  b.start();
  for (let n = 1; n <= 50; n++) {
    s.unsent.push(row(n));
    // Each instance announces its own rows; here both hear of every row, the hardest case.
    (n % 2 ? a : b).wake();
    (n % 2 ? b : a).wake();
    if (n % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await until('every row marked', () => s.marked.length === 50);
  await Promise.all([a.stop(), b.stop()]);
  assert.deepEqual(
    keys(s.sent),
    Array.from({ length: 50 }, (_, i) => `order-${i + 1}`),
    'once each, in id order',
  );
  assert.ok(s.passes() > 2, 'both relays took passes');
});

test('a relay killed mid-send: the other sends its unmarked rows again with their event ids, then the rest, in order; nothing lost', async () => {
  const s = setup([row(1), row(2), row(3), row(4)]);
  let sends = 0;
  // The first relay gets row 1 acknowledged, then its process dies while row 2 is in flight.
  const dying = {
    send: async (record: ProducerRecord) => {
      if (++sends === 2) return new Promise<never>(() => undefined);
      return s.producer.send(record);
    },
  };
  const first = new OutboxRelay(s.store, dying, logger, 60_000);
  const pass = first.relayOnce();
  await until('row 2 in flight', () => sends === 2);
  s.kill();
  await assert.rejects(pass, /session terminated/);
  assert.deepEqual(s.marked, [], 'the killed pass marked nothing');
  const second = new OutboxRelay(s.store, s.producer, logger, 60_000);
  assert.equal(await second.relayOnce(), 4);
  assert.deepEqual(
    keys(s.sent),
    ['order-1', 'order-1', 'order-2', 'order-3', 'order-4'],
    'row 1 again (a duplicate the consumers drop by its event id), then in order',
  );
  assert.deepEqual(JSON.parse(String(s.sent[1]!.record.messages[0]!.value)), { n: 1 }, 'the same message');
  assert.deepEqual(s.marked, ['1', '2', '3', '4']);
});

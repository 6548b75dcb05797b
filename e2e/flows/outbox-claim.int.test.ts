import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPool, migrate, type Pool } from '@hoptrace/kit';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import pino from 'pino';
import { OutboxRelay } from '../../services/orders/src/outbox-relay';
import { MIGRATIONS, OrdersStore } from '../../services/orders/src/store';
import { databaseUrl, query } from '../support/stack';

// The outbox claim two orders instances rely on (OrdersStore.claimOutbox, the reasoning in
// outbox-relay.ts), against the stack's real Postgres, in a scratch database of its own so the
// running services' relays are not involved: two relays, each with its own connection pool as two
// processes would have, and a recording producer in place of Kafka.

const DB = 'outbox_claim_test';
const logger = pino({ level: 'silent' });
const pools: Pool[] = [];
const pool = () => {
  const p = createPool(databaseUrl(DB), logger);
  pools.push(p);
  return p;
};

before(async () => {
  await query('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await query('postgres', `CREATE DATABASE ${DB}`);
  const p = pool();
  await migrate(p, MIGRATIONS);
});

after(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await query('postgres', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function write(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    await query(DB, 'INSERT INTO outbox (event_id, topic, message_key, payload, headers) VALUES (gen_random_uuid(), $1, $2, $3, $4)', [
      'orders.placed',
      `order-${n}`,
      JSON.stringify({ n }),
      '{}',
    ]);
  }
}

/** A producer that records each message with the relay that sent it; `stall` holds one send until it settles. */
function recorder(log: { by: string; n: number }[], by: string, stall?: (n: number) => Promise<never> | undefined) {
  return {
    send: async (record: ProducerRecord): Promise<RecordMetadata[]> => {
      const n = (JSON.parse(String(record.messages[0]!.value)) as { n: number }).n;
      const stalled = stall?.(n);
      if (stalled) return stalled;
      log.push({ by, n });
      // An acknowledgement takes a little while, so passes overlap in time.
      await new Promise((resolve) => setTimeout(resolve, 2));
      return [];
    },
  };
}

const unsent = async () => (await query<{ n: number }>(DB, 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL'))[0]!.n;
const until = async (what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('two relays on one outbox, both polling while rows are written: every row sent once, in the order written', async () => {
  const log: { by: string; n: number }[] = [];
  const relays = ['a', 'b'].map((by) => new OutboxRelay(new OrdersStore(pool()), recorder(log, by), logger, 20, 7));
  relays.forEach((r) => r.start());
  await write(1, 120);
  await until('every row sent', async () => (await unsent()) === 0);
  await Promise.all(relays.map((r) => r.stop()));
  assert.deepEqual(
    log.map((l) => l.n),
    Array.from({ length: 120 }, (_, i) => i + 1),
    'once each, in id order',
  );
  assert.deepEqual([...new Set(log.map((l) => l.by))].sort(), ['a', 'b'], 'both relays sent some');
});

test('while one relay holds the outbox, the other waits, and gives up after its wait without sending', async () => {
  await write(121, 122);
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holder = new OrdersStore(pool()).claimOutbox(10, 1000, async (rows) => {
    await held;
    return { sent: rows.map((r) => r.id) };
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  let saw = -1;
  const started = Date.now();
  const other = await new OrdersStore(pool()).claimOutbox(10, 300, async (rows) => {
    saw = rows.length;
    return { sent: [] };
  });
  assert.equal(other, undefined, 'no pass while the lock is held');
  assert.equal(saw, -1, 'and no rows read');
  assert.ok(Date.now() - started >= 250, 'it waited for the lock');
  release();
  assert.equal((await holder)!.sent.length, 2);
  assert.equal(await unsent(), 0);
});

test('a relay whose session dies mid-send marks nothing; the other sends those rows again (same event ids), then the rest, in order', async () => {
  await write(123, 126);
  const log: { by: string; n: number }[] = [];
  // The victim sends 123; while 124 is in flight its session is terminated, as when its process
  // is killed (the connection closes). Its send then fails, so the test process lets go of it.
  let fail!: (err: Error) => void;
  const inFlight = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const victim = new OutboxRelay(
    new OrdersStore(pool()),
    recorder(log, 'victim', (n) => (n === 124 ? inFlight : undefined)),
    logger,
    1000,
  );
  const pass = victim.relayOnce();
  await until('123 sent', () => log.length === 1);
  const [terminated] = await query<{ n: number }>(
    'postgres',
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
    WHERE datname = $1 AND state LIKE 'idle in transaction%'`,
    [DB],
  );
  assert.equal(terminated!.n, 1, "the victim's session, in its pass");
  assert.equal(await unsent(), 4, 'the killed pass marked nothing');
  const survivor = new OutboxRelay(new OrdersStore(pool()), recorder(log, 'survivor'), logger, 5000);
  assert.equal(await survivor.relayOnce(), 4, 'the lock was released with the session');
  assert.deepEqual(log, [{ by: 'victim', n: 123 }, ...[123, 124, 125, 126].map((n) => ({ by: 'survivor', n }))]);
  const ids = await query<{ event_id: string }>(DB, 'SELECT event_id FROM outbox WHERE message_key = $1', ['order-123']);
  assert.equal(ids.length, 1, 'one row, so both copies of 123 carry its one event id');
  assert.equal(await unsent(), 0);
  fail(new Error('connection lost'));
  await assert.rejects(pass);
});

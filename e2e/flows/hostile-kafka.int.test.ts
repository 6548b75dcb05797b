import { DlqHeaders, dlqOf, OrderNotified, OrderPlaced, OrderShipped, Topics, type CreatedOrder } from '@hoptrace/contracts';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { IHeaders } from 'kafkajs';
import type { z } from 'zod';
import { FUZZ_SEED, nastyNumber, nastyString, runs } from '../support/fuzz';
import { api, orderRequest, uniqueEmail, waitForOrder } from '../support/shop';
import { hostPort, kafka, stackStatus } from '../support/stack';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Property-based, for every consumer: messages produced straight to the topics by anyone (random
 * bytes, cut-off JSON, other schema versions, 500 KB, missing or corrupt trace headers, forged
 * fault baggage, keys that are not order ids). Each is dead-lettered with the reason (or, if it
 * is a valid event, handled), every consumer's committed offset moves past all of them at its
 * usual pace, no process restarts, and the next real order completes.
 */
const CONSUMERS: Record<string, { groups: string[]; schema: z.ZodType }> = {
  [Topics.orderPlaced]: { groups: ['fulfillment'], schema: OrderPlaced },
  [Topics.orderShipped]: { groups: ['notifications', 'orders'], schema: OrderShipped },
  [Topics.orderNotified]: { groups: ['orders'], schema: OrderNotified },
};
const MARKER = 'hoptrace-fuzz';
const RUN = randomUUID().slice(0, 8);

const event = (topic: string) =>
  fc.record(
    {
      type: fc.constantFrom('OrderPlaced', 'OrderShipped', 'OrderNotified', topic),
      eventId: fc.oneof(fc.uuid(), nastyString),
      schemaVersion: fc.oneof(fc.constantFrom(1, 2, 0, '1'), nastyNumber),
      orderId: fc.oneof(fc.uuid(), nastyString),
      occurredAt: fc.oneof(fc.constant(new Date().toISOString()), nastyString),
      reservationId: fc.uuid(),
      trackingNumber: nastyString,
      notificationId: fc.uuid(),
      channel: fc.constantFrom('email', 'sms'),
      items: fc.array(fc.record({ sku: fc.constantFrom('MUG-01', 'x'), quantity: nastyNumber, priceCents: nastyNumber }), { maxLength: 3 }),
      totalCents: nastyNumber,
      customer: fc.record({ email: fc.oneof(fc.emailAddress(), nastyString) }),
    },
    { requiredKeys: [] },
  );
const value = (topic: string) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    event(topic).map((e) => JSON.stringify(e)),
    event(topic)
      .map((e) => JSON.stringify(e))
      .chain((t) => fc.nat({ max: t.length - 1 }).map((n) => t.slice(0, n))),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom('', 'null', '{', '[]', '"OrderPlaced"', '{"schemaVersion":99}'),
  );
const key = fc.oneof(
  fc.uuid(),
  nastyString,
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
);
const traceHeaders = fc.oneof(
  fc.constant({}),
  fc.record({ traceparent: fc.oneof(nastyString, fc.constant('00-00000000000000000000000000000000-0000000000000000-01')) }),
  fc.record({
    traceparent: fc.constant(`00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`),
    tracestate: nastyString,
    baggage: fc.constantFrom(
      'hoptrace.fault.fulfillment=crash,hoptrace.fault.orders=hang,hoptrace.fault.notifications=error',
      '%%%',
      'k='.repeat(5000),
    ),
  }),
  fc.record({
    traceparent: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
    baggage: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
  }),
);
const message = (topic: string) => fc.record({ key: fc.option(key), value: value(topic), headers: traceHeaders });

/** Well-formed events about orders nobody placed, keyed by anything: handled or dead-lettered, never a crash. */
function validEvent(topic: string): string {
  const base = { eventId: randomUUID(), schemaVersion: 1, orderId: randomUUID(), occurredAt: new Date().toISOString() };
  if (topic === Topics.orderPlaced)
    return JSON.stringify({
      ...base,
      type: 'OrderPlaced',
      reservationId: randomUUID(),
      items: [{ sku: 'MUG-01', quantity: 1, priceCents: 1200 }],
      totalCents: 1200,
      customer: { email: 'fuzz@example.com' },
    });
  if (topic === Topics.orderShipped)
    return JSON.stringify({ ...base, type: 'OrderShipped', trackingNumber: 'TRK-FUZZ', customer: { email: 'fuzz@example.com' } });
  return JSON.stringify({ ...base, type: 'OrderNotified', notificationId: randomUUID(), channel: 'email' });
}

interface Sent {
  topic: string;
  marker: string;
  malformed: boolean;
}

const isMalformed = (topic: string, raw: string | Buffer) => {
  try {
    return !CONSUMERS[topic]!.schema.safeParse(JSON.parse(raw.toString())).success;
  } catch {
    return true;
  }
};

/** Every committed offset of every consumer group at or past `ends` (the topics' ends after our sends). */
async function waitForOffsets(ends: Map<string, Map<number, bigint>>, timeoutMs: number): Promise<void> {
  const admin = kafka('fuzz-offsets').admin();
  await admin.connect();
  let behind: string[] = [];
  try {
    const deadline = Date.now() + timeoutMs;
    do {
      behind = [];
      for (const [topic, { groups }] of Object.entries(CONSUMERS)) {
        for (const groupId of groups) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const { partition, offset } of committed!.partitions) {
            const end = ends.get(topic)!.get(partition) ?? 0n;
            if (BigInt(offset) < end) behind.push(`${groupId} ${topic}[${partition}] at ${offset} of ${end}`);
          }
        }
      }
      if (behind.length) await sleep(500);
    } while (behind.length && Date.now() < deadline);
  } finally {
    await admin.disconnect();
  }
  assert.deepEqual(behind, [], 'committed offsets moved past every fuzzed message');
}

/** Reads the dead-letter topics until every expected marker was seen once per consumer group. */
async function deadLetters(expected: Sent[], timeoutMs: number): Promise<Map<string, Record<string, string>[]>> {
  const found = new Map<string, Record<string, string>[]>();
  const wanted = (s: Sent) => CONSUMERS[s.topic]!.groups.length;
  const missing = () => expected.filter((s) => (found.get(s.marker)?.length ?? 0) < wanted(s));
  const consumer = kafka('fuzz-dlq').consumer({ groupId: `fuzz-dlq-${randomUUID()}`, maxBytes: 8 * 1024 * 1024 });
  await consumer.connect();
  try {
    for (const topic of Object.keys(CONSUMERS)) await consumer.subscribe({ topic: dlqOf(topic), fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `not dead-lettered within ${timeoutMs / 1000} s: ${missing()
                .slice(0, 5)
                .map((s) => `${s.topic} ${s.marker}`)
                .join(', ')} (${missing().length} in all)`,
            ),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message: m }) => {
          const marker = m.headers?.[MARKER]?.toString();
          if (!marker?.startsWith(RUN)) return;
          const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
          found.set(marker, [...(found.get(marker) ?? []), headers]);
          if (missing().length === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

async function topicEnds(): Promise<Map<string, Map<number, bigint>>> {
  const admin = kafka('fuzz-ends').admin();
  await admin.connect();
  try {
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of Object.keys(CONSUMERS))
      ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
    return ends;
  } finally {
    await admin.disconnect();
  }
}

test(
  `fuzzed messages on every consumed topic (seed ${FUZZ_SEED}) are dead-lettered with the reason or handled, and every consumer keeps going`,
  { timeout: 170_000 },
  async () => {
    const before = await stackStatus();
    const sent: Sent[] = [];
    const producer = kafka('fuzz-producer').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const started = Date.now();
    try {
      for (const topic of Object.keys(CONSUMERS)) {
        const samples = fc.sample(message(topic), { seed: FUZZ_SEED + topic.length, numRuns: runs(150) });
        // One message of 500 KB per topic, and one whose value is missing altogether.
        samples.push(
          { key: randomUUID(), value: `{"pad":"${'x'.repeat(500 * 1024)}"}`, headers: {} },
          { key: randomUUID(), value: '', headers: {} },
          ...['not-an-order-id', '', randomUUID(), '\u0000', '../../etc'].map((k) => ({
            key: k,
            value: validEvent(topic),
            headers: { baggage: 'hoptrace.fault.notifications=crash' },
          })),
        );
        const messages = samples.map((s, i) => {
          const marker = `${RUN}-${topic}-${i}`;
          sent.push({ topic, marker, malformed: isMalformed(topic, s.value) });
          return { key: s.key, value: s.value, headers: { ...(s.headers as IHeaders), [MARKER]: marker } };
        });
        for (let i = 0; i < messages.length; i += 50) await producer.send({ topic, messages: messages.slice(i, i + 50) });
      }
    } finally {
      await producer.disconnect();
    }
    // kcat, a client that is not ours, the same way a stranger would.
    const kcatMarker = `${RUN}-kcat`;
    const kcat = spawnSync(
      'kcat',
      [
        '-P',
        '-b',
        hostPort('kafka', 9092),
        '-t',
        Topics.orderPlaced,
        '-k',
        'not-an-order-id',
        '-H',
        `${MARKER}=${kcatMarker}`,
        '-H',
        'baggage=hoptrace.fault.fulfillment=crash',
      ],
      { input: '{"type":"OrderPlaced","schemaVersion":7', timeout: 30_000 },
    );
    assert.equal(kcat.status, 0, `kcat: ${kcat.stderr?.toString() ?? kcat.error?.message}`);
    sent.push({ topic: Topics.orderPlaced, marker: kcatMarker, malformed: true });
    const ends = await topicEnds();
    const produced = Date.now();

    await waitForOffsets(ends, 120_000);
    const caughtUp = Date.now();
    const dead = await deadLetters(
      sent.filter((s) => s.malformed),
      60_000,
    );
    for (const [marker, copies] of dead) {
      for (const headers of copies) assert.ok((headers[DlqHeaders.error] ?? '').length > 0, `${marker}: dead-lettered with its reason`);
    }
    const malformed = sent.filter((s) => s.malformed).length;
    console.log(
      `# kafka fuzzing: ${sent.length} messages (${malformed} malformed, ${sent.length - malformed} valid events, 3 of 500 KB, 1 via kcat), seed ${FUZZ_SEED}; ` +
        `produced in ${((produced - started) / 1000).toFixed(1)} s, every consumer past them ${((caughtUp - produced) / 1000).toFixed(1)} s later ` +
        `(${Math.round((sent.length * 1000) / Math.max(1, caughtUp - produced))} messages/s), ${[...dead.values()].flat().length} dead letters`,
    );
    assert.deepEqual(
      (await stackStatus()).map((s) => [s.name, s.pid, s.state]),
      before.map((s) => [s.name, s.pid, s.state]),
      'no process restarted',
    );

    const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: uniqueEmail('after-kafka-fuzz') }));
    assert.equal(res.status, 201);
    assert.equal((await waitForOrder(res.body.id, ['completed', 'failed'], 60_000)).status, 'completed', 'the next real order completes');
  },
);

import { DlqHeaders, dlqOf, Topics, type CreatedOrder } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { api, orderRequest, waitForOrder } from '../support/shop';
import { kafka } from '../support/stack';

type Dead = { key: string; headers: Record<string, string> };

/** Reads a dead-letter topic from the start until every wanted key was seen. */
async function readDeadLetters(topic: string, keys: string[], timeoutMs = 30_000): Promise<Map<string, Dead>> {
  const consumer = kafka('dlq-reader').consumer({ groupId: `dlq-reader-${randomUUID()}` });
  const found = new Map<string, Dead>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: saw ${[...found.keys()].join(', ') || 'nothing'} of ${keys.join(', ')} within ${timeoutMs / 1000} s`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (!keys.includes(key)) return;
          found.set(key, { key, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) });
          if (keys.every((k) => found.has(k))) { clearTimeout(timer); resolve(); }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

test('a malformed message on each topic lands in its dead-letter topic and the consumers keep going', async () => {
  const producer = kafka('poison-test').producer();
  await producer.connect();
  const sent: Record<string, { notJson: string; wrongShape: string }> = {};
  try {
    for (const topic of Object.values(Topics)) {
      sent[topic] = { notJson: randomUUID(), wrongShape: randomUUID() };
      await producer.send({
        topic,
        messages: [
          { key: sent[topic]!.notJson, value: '{not json', headers: { 'test-marker': 'kept' } },
          { key: sent[topic]!.wrongShape, value: JSON.stringify({ type: 'OrderPlaced', eventId: 'nope', schemaVersion: 7 }) },
        ],
      });
    }
  } finally {
    await producer.disconnect();
  }
  for (const topic of Object.values(Topics)) {
    const { notJson, wrongShape } = sent[topic]!;
    const dead = await readDeadLetters(dlqOf(topic), [notJson, wrongShape]);
    const first = dead.get(notJson)!;
    assert.match(first.headers[DlqHeaders.error] ?? '', /not JSON/);
    assert.equal(first.headers[DlqHeaders.attempts], '0', 'malformed: no retries');
    assert.equal(first.headers[DlqHeaders.originalTopic], topic);
    assert.equal(first.headers['test-marker'], 'kept', 'original headers are kept');
    assert.match(dead.get(wrongShape)!.headers[DlqHeaders.error] ?? '', /schema/);
  }
  const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: 'after-poison@example.com' }));
  assert.equal(res.status, 201);
  assert.equal((await waitForOrder(res.body.id, ['completed', 'failed'])).status, 'completed', 'the consumers kept going');
});

import type { CreatedOrder } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, orderRequest, waitForOrder } from '../support/shop';
import { query, stack } from '../support/stack';

test('orders placed while Kafka is down are accepted, wait in the outbox, and complete once it is back', async () => {
  await stack('stop', 'kafka');
  const ids: string[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: `outage${i}@example.com`, items: [{ sku: 'HOODIE-OTEL', quantity: 1 }] }));
      assert.equal(res.status, 201, `accepted without Kafka: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, 'paid');
      ids.push(res.body.id);
    }
    const pending = await query<{ n: number }>('orders', 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND message_key = ANY($1)', [ids]);
    assert.equal(pending[0]!.n, ids.length, 'every accepted order waits in the outbox');
  } finally {
    await stack('start', 'kafka');
  }
  for (const id of ids) {
    const order = await waitForOrder(id, ['completed', 'failed'], 120_000);
    assert.equal(order.status, 'completed', `${id}: ${order.failureReason}`);
  }
  const sent = await query<{ n: number }>('orders', 'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NOT NULL AND message_key = ANY($1)', [ids]);
  assert.equal(sent[0]!.n, ids.length, 'each outbox row marked sent once');
});

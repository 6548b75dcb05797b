import type { CreatedOrder, Notification } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, orderRequest, products, waitForOrder } from '../support/shop';
import { query, stack } from '../support/stack';
import { auditTraces, describeFindings } from '../support/trace-audit';

async function placeMany(count: number, sku: string): Promise<CreatedOrder[]> {
  const orders: CreatedOrder[] = [];
  for (let i = 0; i < count; i++) {
    const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: `crash${i}@example.com`, items: [{ sku, quantity: 1 }] }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    orders.push(res.body);
  }
  return orders;
}

for (const consumer of ['fulfillment', 'notifications']) {
  test(`${consumer} killed with SIGKILL mid-stream: after restart every order ships and is notified exactly once`, async () => {
    const sku = 'STICKER-W3C';
    const stockBefore = (await products()).get(sku)!.stock;
    const first = await placeMany(8, sku);
    // SIGKILL loses whatever spans the process had not exported yet; the first orders' traces are
    // awaited whole first, so the kill only interrupts the stream, not their evidence.
    for (const o of first) await waitForOrder(o.id, ['completed'], 30_000);
    const before = await auditTraces(first.map((o) => o.traceId), 30_000);
    assert.deepEqual(before.findings, [], describeFindings(before.findings));
    await stack('kill', consumer);
    const during = await placeMany(8, sku);
    await stack('start', consumer);
    const after = await placeMany(4, sku);
    const ids = [...first, ...during, ...after].map((o) => o.id);

    for (const id of ids) {
      const order = await waitForOrder(id, ['completed', 'failed'], 90_000);
      assert.equal(order.status, 'completed', `${id}: ${order.failureReason}`);
      assert.deepEqual(order.events.map((e) => e.type), ['placed', 'paid', 'shipped', 'completed']);
    }
    const shipments = await query<{ n: number }>('fulfillment', 'SELECT count(*)::int AS n FROM shipments WHERE order_id = ANY($1)', [ids]);
    assert.equal(shipments[0]!.n, ids.length, 'one shipment per order');
    for (const id of ids) {
      const sent = await api<Notification[]>('GET', `/api/notifications?orderId=${id}`);
      assert.equal(sent.body.length, 1, `order ${id} notified once`);
    }
    // Each order took one sticker, once: a double commit or a lost release would show here.
    assert.equal((await products()).get(sku)!.stock, stockBefore - ids.length);
  });
}

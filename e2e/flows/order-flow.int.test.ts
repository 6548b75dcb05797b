import type { CreatedOrder, ErrorBody, Notification } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, DECLINED_CARD, orderRequest, products, waitForOrder } from '../support/shop';
import { chargeIdOf, outboxOf, reservationsOf, shipmentCount } from '../support/data';

test('an order placed through the gateway travels every hop to completed', async () => {
  const res = await api<CreatedOrder>(
    'POST',
    '/api/orders',
    orderRequest({ email: 'grace@example.com', items: [{ sku: 'TEE-SPAN', quantity: 2 }] }),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, 'paid');
  assert.match(res.body.traceId, /^[0-9a-f]{32}$/);
  // A trace the gateway starts: sampled, and its trace-id random (W3C Trace Context Level 2's random flag).
  assert.match(res.headers.get('traceresponse') ?? '', new RegExp(`^00-${res.body.traceId}-[0-9a-f]{16}-03$`));

  const order = await waitForOrder(res.body.id, ['completed', 'failed']);
  assert.equal(order.status, 'completed', order.failureReason);
  assert.deepEqual(
    order.events.map((e) => e.type),
    ['placed', 'paid', 'shipped', 'completed'],
  );
  assert.deepEqual(order.items, [{ sku: 'TEE-SPAN', quantity: 2, priceCents: 2400 }]);
  assert.equal(order.totalCents, 4800);

  const sent = await api<Notification[]>('GET', `/api/notifications?orderId=${order.id}`);
  assert.equal(sent.status, 200);
  assert.equal(sent.body.length, 1);
  assert.equal(sent.body[0]!.to, 'grace@example.com');
  assert.equal(await shipmentCount(order.id), 1);
  assert.deepEqual(await reservationsOf(order.id), [{ status: 'committed' }]);
});

test('a declined card fails the order with 402, releases the stock and publishes nothing', async () => {
  const before = (await products()).get('CAP-KAFKA')!.stock;
  const res = await api<ErrorBody>(
    'POST',
    '/api/orders',
    orderRequest({ items: [{ sku: 'CAP-KAFKA', quantity: 3 }], payment: DECLINED_CARD }),
  );
  assert.equal(res.status, 402);
  assert.equal(res.body.error.code, 'card_declined');
  assert.ok(res.body.orderId, 'the error names the order it created');
  const order = await waitForOrder(res.body.orderId!, ['failed']);
  assert.match(order.failureReason ?? '', /^payment declined: card_declined/);
  assert.equal((await products()).get('CAP-KAFKA')!.stock, before);
  assert.deepEqual(await outboxOf(order.id), [], 'nothing to publish');
  assert.deepEqual(await reservationsOf(order.id), [{ status: 'released' }]);
});

test('too little stock is a 409 naming the line, and nothing is charged', async () => {
  const stock = (await products()).get('POSTER-LTD')!.stock;
  const res = await api<ErrorBody>('POST', '/api/orders', orderRequest({ items: [{ sku: 'POSTER-LTD', quantity: stock + 1 }] }));
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'insufficient_stock');
  assert.ok(res.body.error.fields?.['items.0.quantity']);
  const order = await waitForOrder(res.body.orderId!, ['failed']);
  assert.match(order.failureReason ?? '', /^stock unavailable/);
  assert.equal(await chargeIdOf(order.id), null);
});

test('bad input is a 400 or 422 naming the field, never a 500', async () => {
  const big = JSON.stringify({ ...orderRequest(), padding: 'x'.repeat(70 * 1024) });
  const cases: { name: string; body: unknown; status: number; field: string }[] = [
    { name: 'bad JSON', body: '{"email": ', status: 400, field: 'body' },
    { name: 'body over 64 KiB', body: big, status: 400, field: 'body' },
    { name: 'wrong type', body: { ...orderRequest(), items: 'MUG-01' }, status: 422, field: 'items' },
    { name: 'quantity 0', body: orderRequest({ items: [{ sku: 'MUG-01', quantity: 0 }] }), status: 422, field: 'items.0.quantity' },
    { name: 'quantity 100', body: orderRequest({ items: [{ sku: 'MUG-01', quantity: 100 }] }), status: 422, field: 'items.0.quantity' },
    { name: 'unknown sku', body: orderRequest({ items: [{ sku: 'NOT-SOLD', quantity: 1 }] }), status: 422, field: 'items.0.sku' },
    { name: 'bad email', body: orderRequest({ email: 'not-an-email' }), status: 422, field: 'email' },
    {
      name: 'card with letters',
      body: orderRequest({ payment: { cardNumber: '4242abcd42424242', expiry: '12/30', cvc: '123' } }),
      status: 422,
      field: 'payment.cardNumber',
    },
    { name: 'unknown field', body: { ...orderRequest(), coupon: 'FREE' }, status: 422, field: '' },
  ];
  for (const c of cases) {
    const res = await api<ErrorBody>('POST', '/api/orders', c.body);
    assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(res.body)}`);
    assert.ok(res.body.error.message, `${c.name}: has a message`);
    if (c.field) assert.ok(res.body.error.fields?.[c.field], `${c.name}: names ${c.field} in ${JSON.stringify(res.body.error.fields)}`);
  }
  assert.equal((await api('GET', '/api/orders/not-an-id')).status, 404);
  assert.equal((await api('GET', '/api/notifications?orderId=nope')).status, 422);
  assert.equal((await api('GET', '/healthz')).status, 200, 'the gateway is still alive');
});

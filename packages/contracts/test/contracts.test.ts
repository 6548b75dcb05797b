import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CreateOrderRequest } from '../src/api';
import { dlqOf, OrderNotified, OrderPlaced, OrderShipped, Topics } from '../src/events';
import * as contracts from '../src/index';

const order = {
  email: 'ada@example.com',
  items: [{ sku: 'MUG-01', quantity: 1 }],
  payment: { cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' },
};

/** The dotted paths of the fields a schema rejects in `value`. */
function rejected(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  assert.equal(result.success, false, 'expected the value to be rejected');
  return result.error!.issues.map((i) => i.path.join('.'));
}

const envelope = () => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  orderId: randomUUID(),
  occurredAt: '2026-01-15T12:00:00.000Z',
});
const events = {
  OrderPlaced: [
    OrderPlaced,
    () => ({
      ...envelope(),
      type: 'OrderPlaced',
      reservationId: randomUUID(),
      items: [{ sku: 'MUG-01', quantity: 1, priceCents: 1200 }],
      totalCents: 1200,
      customer: { email: 'ada@example.com' },
    }),
  ],
  OrderShipped: [
    OrderShipped,
    () => ({
      ...envelope(),
      type: 'OrderShipped',
      trackingNumber: 'HT0123456789',
      customer: { email: 'ada@example.com' },
    }),
  ],
  OrderNotified: [OrderNotified, () => ({ ...envelope(), type: 'OrderNotified', notificationId: randomUUID(), channel: 'email' })],
} as const;

test('a well-formed order request is accepted', () => {
  assert.deepEqual(CreateOrderRequest.parse(order), order);
});

test('an order line of quantity 0 is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, items: [{ sku: 'MUG-01', quantity: 0 }] }), ['items.0.quantity']);
});

test('an order line of quantity 100 is rejected, 99 is accepted', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, items: [{ sku: 'MUG-01', quantity: 100 }] }), ['items.0.quantity']);
  assert.equal(CreateOrderRequest.safeParse({ ...order, items: [{ sku: 'MUG-01', quantity: 99 }] }).success, true);
});

test('a fractional quantity is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, items: [{ sku: 'MUG-01', quantity: 1.5 }] }), ['items.0.quantity']);
});

test('an order with no lines is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, items: [] }), ['items']);
});

test('an unknown top-level key is rejected', () => {
  const result = CreateOrderRequest.safeParse({ ...order, discountCents: 500 });
  assert.equal(result.success, false);
  assert.equal(result.error!.issues[0]!.code, 'unrecognized_keys');
  assert.deepEqual((result.error!.issues[0] as { keys: string[] }).keys, ['discountCents']);
});

test('an address that is not an email is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, email: 'ada-at-example.com' }), ['email']);
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, email: 'ada@' }), ['email']);
});

test('a card number with spaces is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, payment: { ...order.payment, cardNumber: '4242 4242 4242 4242' } }), [
    'payment.cardNumber',
  ]);
});

test('an expiry that is not MM/YY and a short CVC are rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, payment: { ...order.payment, expiry: '13/30' } }), ['payment.expiry']);
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, payment: { ...order.payment, cvc: '12' } }), ['payment.cvc']);
});

test('a SKU in lower case is rejected', () => {
  assert.deepEqual(rejected(CreateOrderRequest, { ...order, items: [{ sku: 'mug-01', quantity: 1 }] }), ['items.0.sku']);
});

for (const [name, [schema, sample]] of Object.entries(events)) {
  test(`a well-formed ${name} is accepted`, () => {
    assert.equal(schema.safeParse(sample()).success, true);
  });

  test(`${name} requires schemaVersion 1`, () => {
    assert.deepEqual(rejected(schema, { ...sample(), schemaVersion: 2 }), ['schemaVersion']);
    assert.deepEqual(rejected(schema, { ...sample(), schemaVersion: undefined }), ['schemaVersion']);
  });

  test(`${name} requires uuid event and order ids`, () => {
    assert.deepEqual(rejected(schema, { ...sample(), eventId: 'evt-1' }), ['eventId']);
    assert.deepEqual(rejected(schema, { ...sample(), orderId: '12345' }), ['orderId']);
  });

  test(`${name} requires an ISO timestamp and its own type`, () => {
    assert.deepEqual(rejected(schema, { ...sample(), occurredAt: 'yesterday' }), ['occurredAt']);
    assert.deepEqual(rejected(schema, { ...sample(), type: 'SomethingElse' }), ['type']);
  });
}

test('OrderPlaced requires a uuid reservation id and at least one item', () => {
  assert.deepEqual(rejected(OrderPlaced, { ...events.OrderPlaced[1](), reservationId: 'r-1' }), ['reservationId']);
  assert.deepEqual(rejected(OrderPlaced, { ...events.OrderPlaced[1](), items: [] }), ['items']);
});

test('dead letters of a topic go to <topic>.dlq', () => {
  assert.equal(dlqOf(Topics.orderPlaced), 'orders.placed.dlq');
  assert.equal(contracts.dlqOf(contracts.Topics.orderShipped), 'orders.shipped.dlq');
});

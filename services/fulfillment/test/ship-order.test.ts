import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OrderShipped, type OrderPlaced } from '@hoptrace/contracts';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import { newTrackingNumber, shipOrder, type Shipment, type ShipOrderDeps } from '../src/ship-order';

const placed = (overrides: Partial<OrderPlaced> = {}): OrderPlaced => ({
  type: 'OrderPlaced',
  eventId: randomUUID(),
  schemaVersion: 1,
  orderId: randomUUID(),
  occurredAt: '2026-01-15T12:00:00.000Z',
  reservationId: randomUUID(),
  items: [{ sku: 'MUG-01', quantity: 1, priceCents: 1200 }],
  totalCents: 1200,
  customer: { email: 'ada@example.com' },
  ...overrides,
});

/** A shipments table with one row per order, a fake inventory and a producer that records what it sends. */
function fakes() {
  const shipments = new Map<string, Shipment>();
  const commits: string[] = [];
  const sent: ProducerRecord[] = [];
  let failSends = 0;
  const deps: ShipOrderDeps = {
    store: {
      async findShipment(orderId) {
        return shipments.get(orderId);
      },
      async recordShipment(s) {
        const existing = shipments.get(s.orderId);
        if (existing) return existing;
        const row = { ...s, shippedAt: new Date('2026-01-15T12:00:01.000Z') };
        shipments.set(s.orderId, row);
        return row;
      },
    },
    inventory: {
      async commit(reservationId) {
        commits.push(reservationId);
      },
    },
    sender: {
      async send(record): Promise<RecordMetadata[]> {
        if (failSends > 0) {
          failSends--;
          throw new Error('KafkaJSConnectionError: broker down');
        }
        sent.push(record);
        return [];
      },
    },
    newId: randomUUID,
  };
  return {
    deps,
    shipments,
    commits,
    sent,
    failNextSend: () => {
      failSends = 1;
    },
  };
}

const shippedOf = (record: ProducerRecord) => OrderShipped.parse(JSON.parse(String(record.messages[0]!.value)));

test('the first OrderPlaced commits the reservation, records one shipment and publishes OrderShipped keyed by order id', async () => {
  const f = fakes();
  const event = placed();
  const { shipment, firstTime } = await shipOrder(f.deps, event);
  assert.equal(firstTime, true);
  assert.deepEqual(f.commits, [event.reservationId]);
  assert.equal(f.shipments.size, 1);
  assert.equal(shipment.orderId, event.orderId);
  assert.equal(shipment.placedEventId, event.eventId);
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0]!.topic, 'orders.shipped');
  assert.equal(f.sent[0]!.messages.length, 1);
  assert.equal(f.sent[0]!.messages[0]!.key, event.orderId);
  const shipped = shippedOf(f.sent[0]!);
  assert.equal(shipped.eventId, shipment.shippedEventId);
  assert.equal(shipped.orderId, event.orderId);
  assert.equal(shipped.trackingNumber, shipment.trackingNumber);
  assert.equal(shipped.occurredAt, '2026-01-15T12:00:01.000Z');
  assert.deepEqual(shipped.customer, { email: 'ada@example.com' });
});

test('OrderShipped is published with every replica acknowledging', async () => {
  const f = fakes();
  await shipOrder(f.deps, placed());
  assert.equal(f.sent[0]!.acks, -1);
});

test('a redelivered OrderPlaced ships once and re-publishes OrderShipped with the same event id', async () => {
  const f = fakes();
  const event = placed();
  const first = await shipOrder(f.deps, event);
  const again = await shipOrder(f.deps, event);
  assert.equal(again.firstTime, false);
  assert.deepEqual(again.shipment, first.shipment);
  assert.deepEqual(f.commits, [event.reservationId]);
  assert.equal(f.shipments.size, 1);
  assert.equal(f.sent.length, 2);
  assert.equal(shippedOf(f.sent[1]!).eventId, shippedOf(f.sent[0]!).eventId);
  assert.equal(shippedOf(f.sent[1]!).trackingNumber, first.shipment.trackingNumber);
  assert.equal(f.sent[1]!.messages[0]!.key, event.orderId);
});

test('a publish that failed after the shipment was recorded is healed by the redelivery, with the same event id', async () => {
  const f = fakes();
  const event = placed();
  f.failNextSend();
  await assert.rejects(shipOrder(f.deps, event), /broker down/);
  assert.equal(f.shipments.size, 1);
  assert.equal(f.sent.length, 0);
  const retried = await shipOrder(f.deps, event);
  assert.equal(retried.firstTime, false);
  assert.deepEqual(f.commits, [event.reservationId]);
  assert.equal(shippedOf(f.sent[0]!).eventId, f.shipments.get(event.orderId)!.shippedEventId);
});

test('different orders each get their own shipment, tracking number and event id', async () => {
  const f = fakes();
  const a = await shipOrder(f.deps, placed());
  const b = await shipOrder(f.deps, placed());
  assert.equal(f.shipments.size, 2);
  assert.notEqual(a.shipment.shippedEventId, b.shipment.shippedEventId);
  assert.notEqual(a.shipment.trackingNumber, b.shipment.trackingNumber);
});

test('a tracking number is HT followed by ten Crockford base32 characters', () => {
  for (let i = 0; i < 50; i++) assert.match(newTrackingNumber(), /^HT[0-9A-HJKMNP-TV-Z]{10}$/);
});

test('a tracking number maps each byte to the Crockford alphabet modulo 32', () => {
  assert.equal(newTrackingNumber(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])), 'HT0123456789');
  assert.equal(newTrackingNumber(Buffer.from([10, 17, 18, 20, 21, 26, 31, 32, 63, 255])), 'HTAHJMNTZ0ZZ');
});

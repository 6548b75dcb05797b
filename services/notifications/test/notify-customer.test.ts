import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OrderNotified, type OrderShipped } from '@hoptrace/contracts';
import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import { notifyCustomer, type NotifyDeps, type SentNotification } from '../src/notify-customer';

const shipped = (): OrderShipped => ({
  type: 'OrderShipped',
  eventId: randomUUID(),
  schemaVersion: 1,
  orderId: randomUUID(),
  occurredAt: '2026-01-15T12:00:01.000Z',
  trackingNumber: 'HT0123456789',
  customer: { email: 'ada@example.com' },
});

/** A notifications table unique by shipped event id, and a producer that records what it sends. */
function fakes() {
  const byShippedEvent = new Map<string, SentNotification>();
  const sent: ProducerRecord[] = [];
  const deps: NotifyDeps = {
    store: {
      async recordNotification(n) {
        const existing = byShippedEvent.get(n.shippedEventId);
        if (existing) return existing;
        byShippedEvent.set(n.shippedEventId, n);
        return n;
      },
    },
    sender: {
      async send(record): Promise<RecordMetadata[]> {
        sent.push(record);
        return [];
      },
    },
    newId: randomUUID,
    now: () => new Date('2026-01-15T12:00:02.000Z'),
  };
  return { deps, byShippedEvent, sent };
}

const notifiedOf = (record: ProducerRecord) => OrderNotified.parse(JSON.parse(String(record.messages[0]!.value)));

test('an OrderShipped sends one email to the customer naming the order and tracking number', async () => {
  const f = fakes();
  const event = shipped();
  const n = await notifyCustomer(f.deps, event);
  assert.equal(f.byShippedEvent.size, 1);
  assert.equal(n.to, 'ada@example.com');
  assert.equal(n.channel, 'email');
  assert.equal(n.orderId, event.orderId);
  assert.equal(n.shippedEventId, event.eventId);
  assert.equal(n.sentAt, '2026-01-15T12:00:02.000Z');
  assert.ok(n.subject.includes(event.orderId.slice(0, 8)), n.subject);
  assert.ok(n.subject.includes('HT0123456789'), n.subject);
});

test('OrderNotified is published to orders.notified keyed by order id, and validates against its contract', async () => {
  const f = fakes();
  const event = shipped();
  const n = await notifyCustomer(f.deps, event);
  assert.equal(f.sent.length, 1);
  assert.equal(f.sent[0]!.topic, 'orders.notified');
  assert.equal(f.sent[0]!.acks, -1);
  assert.equal(f.sent[0]!.messages[0]!.key, event.orderId);
  const notified = notifiedOf(f.sent[0]!);
  assert.equal(notified.eventId, n.notifiedEventId);
  assert.equal(notified.orderId, event.orderId);
  assert.equal(notified.notificationId, n.id);
  assert.equal(notified.occurredAt, '2026-01-15T12:00:02.000Z');
});

test('OrderNotified carries no personal data', async () => {
  const f = fakes();
  await notifyCustomer(f.deps, shipped());
  assert.ok(!String(f.sent[0]!.messages[0]!.value).includes('ada@example.com'));
});

test('a redelivered OrderShipped notifies once and re-publishes OrderNotified with the same event id', async () => {
  const f = fakes();
  const event = shipped();
  const first = await notifyCustomer(f.deps, event);
  const again = await notifyCustomer(f.deps, event);
  assert.equal(f.byShippedEvent.size, 1);
  assert.deepEqual(again, first);
  assert.equal(f.sent.length, 2);
  assert.equal(notifiedOf(f.sent[1]!).eventId, notifiedOf(f.sent[0]!).eventId);
  assert.equal(notifiedOf(f.sent[1]!).notificationId, first.id);
});

test('two different OrderShipped events notify twice with different event ids', async () => {
  const f = fakes();
  const a = await notifyCustomer(f.deps, shipped());
  const b = await notifyCustomer(f.deps, shipped());
  assert.equal(f.byShippedEvent.size, 2);
  assert.notEqual(a.notifiedEventId, b.notifiedEventId);
});

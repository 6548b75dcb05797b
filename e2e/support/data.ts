import { randomUUID } from 'node:crypto';
import { kafka, query } from './stack';

/**
 * What the databases and topics hold for an order: the "no order lost, nothing twice" half of
 * every scenario. Each function reads one owner's data; the tests decide what it should be. The
 * one place tests know the services' schemas.
 */

export interface OutboxRow {
  topic: string;
  sent: boolean;
}
export interface ReservationRow {
  status: 'reserved' | 'committed' | 'released';
}
export interface OrderRow {
  id: string;
  status: string;
  failure_reason: string | null;
  trace_id: string;
}

export const outboxOf = (orderId: string) =>
  query<OutboxRow & Record<string, unknown>>('orders', 'SELECT topic, sent_at IS NOT NULL AS sent FROM outbox WHERE message_key = $1', [
    orderId,
  ]);

/** The event id of the order's OrderPlaced (its outbox row), which the message on the topic carries. */
export const placedEventIdOf = async (orderId: string) =>
  (await query<{ event_id: string }>('orders', 'SELECT event_id FROM outbox WHERE message_key = $1', [orderId]))[0]?.event_id;

/** The trace context the order's outbox row keeps for the relay (traceparent, baggage). */
export const outboxHeadersOf = async (orderId: string) =>
  (await query<{ headers: Record<string, string> }>('orders', 'SELECT headers FROM outbox WHERE message_key = $1', [orderId]))[0]?.headers;

export const chargeIdOf = async (orderId: string) =>
  (await query<{ charge_id: string | null }>('orders', 'SELECT charge_id FROM orders WHERE id = $1', [orderId]))[0]?.charge_id;

export const orderIdsOfTrace = async (traceId: string) =>
  (await query<{ id: string }>('orders', 'SELECT id FROM orders WHERE trace_id = $1', [traceId])).map((r) => r.id);

/** Every order created since `since`: its trace, its status and the domain of its address. */
export const ordersSince = async (since: Date) =>
  (
    await query<{ trace_id: string; status: string; domain: string }>(
      'orders',
      "SELECT trace_id, status, split_part(email, '@', 2) AS domain FROM orders WHERE created_at >= $1",
      [since],
    )
  ).map((r) => ({ traceId: r.trace_id, status: r.status, domain: r.domain }));

/** Reservations inventory created in a time window (none while the orders database was down). */
export const reservationsCreatedBetween = async (from: Date, to: Date) =>
  (
    await query<{ n: number }>('inventory', 'SELECT count(*)::int AS n FROM reservations WHERE created_at BETWEEN $1 AND $2', [from, to])
  )[0]!.n;

export const reservationsOf = (orderId: string) =>
  query<ReservationRow & Record<string, unknown>>('inventory', 'SELECT status FROM reservations WHERE order_id = $1', [orderId]);

export const ordersByEmail = (email: string) =>
  query<OrderRow & Record<string, unknown>>('orders', 'SELECT id, status, failure_reason, trace_id FROM orders WHERE email = $1', [email]);

export const shipmentCount = async (...orderIds: string[]) =>
  (await query<{ n: number }>('fulfillment', 'SELECT count(*)::int AS n FROM shipments WHERE order_id = ANY($1)', [orderIds]))[0]!.n;

export const notificationCount = async (orderId: string) =>
  (await query<{ n: number }>('notifications', 'SELECT count(*)::int AS n FROM notifications WHERE order_id = $1', [orderId]))[0]!.n;

export const stockOf = async (sku: string) =>
  (await query<{ stock: number }>('inventory', 'SELECT stock FROM products WHERE sku = $1', [sku]))[0]!.stock;

export interface TopicMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Reads a topic from the beginning with a throw-away consumer group and returns every message
 * whose key is one of `keys`, once all of them were seen at least once and the reader caught up
 * with the end of the topic (so a duplicate would be in the list too), or at the deadline.
 */
export async function readTopic(topic: string, keys: string[], { timeoutMs = 30_000, requireAll = true } = {}): Promise<TopicMessage[]> {
  const client = kafka('e2e-topic-reader');
  const admin = client.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const consumer = client.consumer({ groupId: `e2e-reader-${randomUUID()}` });
  const found: TopicMessage[] = [];
  const position = new Map<number, bigint>();
  const caughtUp = () => [...ends].every(([p, high]) => high === 0n || (position.get(p) ?? -1n) + 1n >= high);
  const allSeen = () => keys.every((k) => found.some((m) => m.key === k));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () =>
          requireAll
            ? reject(
                new Error(
                  `${topic}: saw ${found.map((m) => m.key).join(', ') || 'none'} of ${keys.join(', ')} within ${timeoutMs / 1000} s`,
                ),
              )
            : resolve(),
        timeoutMs,
      );
      if (caughtUp() && !requireAll) finish();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          position.set(partition, BigInt(message.offset));
          const key = message.key?.toString() ?? '';
          if (keys.includes(key)) {
            found.push({
              key,
              partition,
              offset: message.offset,
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
            });
          }
          if (caughtUp() && (allSeen() || !requireAll)) finish();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

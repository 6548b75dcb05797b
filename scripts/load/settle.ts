import { setTimeout as sleep } from 'node:timers/promises';
import { query } from '../../e2e/support/stack';

const TERMINAL = new Set(['completed', 'failed']);

export interface SettledOrder {
  id: string;
  status: string;
  /** From the order's own timeline (order_events, what GET /api/orders/:id shows as `events`). */
  placedAt?: Date;
  completedAt?: Date;
}

/**
 * Waits until every order reached a terminal status or the deadline passed, and returns each
 * order's status and timeline. It reads the orders database in one query a poll instead of
 * asking GET /api/orders/:id per order: polling through the API would add a trace and work in
 * three services per order to the very figures being measured.
 */
export async function settleOrders(ids: string[], timeoutMs: number): Promise<Map<string, SettledOrder>> {
  const deadline = Date.now() + timeoutMs;
  const settled = new Map<string, SettledOrder>();
  let pending = [...ids];
  for (;;) {
    for (let i = 0; i < pending.length; i += 5000) {
      const rows = await query<{ id: string; status: string; placed: Date | null; completed: Date | null }>(
        'orders',
        `SELECT o.id, o.status,
                (SELECT at FROM order_events WHERE order_id = o.id AND type = 'placed') AS placed,
                (SELECT at FROM order_events WHERE order_id = o.id AND type = 'completed') AS completed
           FROM orders o WHERE o.id = ANY($1::uuid[])`,
        [pending.slice(i, i + 5000)],
      );
      for (const r of rows)
        settled.set(r.id, { id: r.id, status: r.status, placedAt: r.placed ?? undefined, completedAt: r.completed ?? undefined });
    }
    pending = ids.filter((id) => !TERMINAL.has(settled.get(id)?.status ?? ''));
    if (pending.length === 0 || Date.now() > deadline) return settled;
    await sleep(500);
  }
}

export interface Duplicates {
  /** Completed orders without exactly one shipment / one notification. */
  shipments: { orderId: string; count: number }[];
  notifications: { orderId: string; count: number }[];
}

/** "Nothing twice, nothing missing": one shipment and one notification per completed order. */
export async function deliveriesOf(completed: string[]): Promise<Duplicates> {
  const counts = async (database: string, table: string) => {
    const rows = await query<{ order_id: string; n: number }>(
      database,
      `SELECT order_id, count(*)::int AS n FROM ${table} WHERE order_id = ANY($1::uuid[]) GROUP BY order_id`,
      [completed],
    );
    const byOrder = new Map(rows.map((r) => [r.order_id, r.n]));
    return completed.map((orderId) => ({ orderId, count: byOrder.get(orderId) ?? 0 })).filter((c) => c.count !== 1);
  };
  return { shipments: await counts('fulfillment', 'shipments'), notifications: await counts('notifications', 'notifications') };
}

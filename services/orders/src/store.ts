import type { OrderEventType, OrderItem, OrderItemInput, OrderStatus, OrderView } from '@hoptrace/contracts';
import { NotFound, withTransaction, type Pool } from '@hoptrace/kit';
import { advance, canFail } from './order-status';

export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS orders (
     id uuid PRIMARY KEY,
     status text NOT NULL,
     email text NOT NULL,
     email_hash text NOT NULL,
     items jsonb NOT NULL,
     total_cents integer NOT NULL DEFAULT 0,
     trace_id text NOT NULL,
     reservation_id uuid,
     charge_id uuid,
     failure_reason text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS order_events (
     order_id uuid NOT NULL REFERENCES orders (id),
     type text NOT NULL,
     at timestamptz NOT NULL DEFAULT clock_timestamp(),
     PRIMARY KEY (order_id, type))`,
  `CREATE TABLE IF NOT EXISTS outbox (
     id bigserial PRIMARY KEY,
     event_id uuid NOT NULL UNIQUE,
     topic text NOT NULL,
     message_key text NOT NULL,
     payload jsonb NOT NULL,
     headers jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     sent_at timestamptz)`,
  'CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (id) WHERE sent_at IS NULL',
  `CREATE TABLE IF NOT EXISTS processed_events (
     event_id uuid PRIMARY KEY,
     processed_at timestamptz NOT NULL DEFAULT now())`,
];

export interface OutboxMessage {
  eventId: string;
  topic: string;
  key: string;
  payload: unknown;
  /** The trace context (traceparent, baggage) of the request that wrote it. */
  headers: Record<string, string>;
}

export interface OutboxRow extends OutboxMessage {
  id: string;
  createdAt: Date;
}

/** What one relay pass did: the ids it sent (in order, all acknowledged), and the error that stopped it. */
export interface OutboxPass {
  sent: string[];
  failure?: unknown;
}

/** The key of the advisory lock a relay holds while it sends (any constant no other lock uses). */
const OUTBOX_LOCK = 7_420_017;
/** lock_timeout expired (SQLSTATE 55P03). */
const LOCK_NOT_AVAILABLE = '55P03';

type OutboxDbRow = {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
};
const toOutboxRow = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  eventId: r.event_id,
  topic: r.topic,
  key: r.message_key,
  payload: r.payload,
  headers: r.headers,
  createdAt: r.created_at,
});

type OrderRow = {
  id: string;
  status: OrderStatus;
  items: OrderItem[];
  total_cents: number;
  trace_id: string;
  failure_reason: string | null;
};

/** All SQL of the orders service. */
export class OrdersStore {
  constructor(private readonly pool: Pool) {}

  async createPending(order: { id: string; email: string; emailHash: string; items: OrderItemInput[]; traceId: string }): Promise<void> {
    await withTransaction(this.pool, async (tx) => {
      await tx.query(`INSERT INTO orders (id, status, email, email_hash, items, trace_id) VALUES ($1, 'pending', $2, $3, $4, $5)`, [
        order.id,
        order.email,
        order.emailHash,
        JSON.stringify(order.items.map((i) => ({ ...i, priceCents: 0 }))),
        order.traceId,
      ]);
      await tx.query(`INSERT INTO order_events (order_id, type) VALUES ($1, 'placed')`, [order.id]);
    });
  }

  /** Order paid and its OrderPlaced outbox row: one transaction, so neither exists without the other. */
  async markPaid(
    orderId: string,
    paid: { reservationId: string; chargeId: string; items: OrderItem[]; totalCents: number },
    outbox: OutboxMessage,
  ): Promise<void> {
    await withTransaction(this.pool, async (tx) => {
      await tx.query(
        `UPDATE orders SET status = 'paid', reservation_id = $2, charge_id = $3, items = $4, total_cents = $5, updated_at = now()
                      WHERE id = $1 AND status = 'pending'`,
        [orderId, paid.reservationId, paid.chargeId, JSON.stringify(paid.items), paid.totalCents],
      );
      await tx.query(`INSERT INTO order_events (order_id, type) VALUES ($1, 'paid') ON CONFLICT DO NOTHING`, [orderId]);
      await tx.query('INSERT INTO outbox (event_id, topic, message_key, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
        outbox.eventId,
        outbox.topic,
        outbox.key,
        JSON.stringify(outbox.payload),
        JSON.stringify(outbox.headers),
      ]);
    });
  }

  /** Marks an order failed with its reason, unless it already completed or failed. */
  async markFailed(orderId: string, reason: string): Promise<boolean> {
    return withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
      if (!rows[0] || !canFail(rows[0].status)) return false;
      await tx.query(`UPDATE orders SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1`, [
        orderId,
        reason.slice(0, 500),
      ]);
      await tx.query(`INSERT INTO order_events (order_id, type) VALUES ($1, 'failed') ON CONFLICT DO NOTHING`, [orderId]);
      return true;
    });
  }

  /**
   * Applies a downstream event once: its id is recorded in the same transaction as the status
   * change, so a redelivery finds it and changes nothing.
   */
  async applyProgress(
    eventId: string,
    orderId: string,
    target: 'shipped' | 'completed',
  ): Promise<{ outcome: 'applied' | 'duplicate' | 'ignored'; ageSeconds?: number }> {
    return withTransaction(this.pool, async (tx) => {
      const fresh = await tx.query('INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [eventId]);
      if (fresh.rowCount === 0) return { outcome: 'duplicate' };
      const { rows } = await tx.query<{ status: OrderStatus; age: number }>(
        'SELECT status, extract(epoch FROM clock_timestamp() - created_at)::float8 AS age FROM orders WHERE id = $1 FOR UPDATE',
        [orderId],
      );
      if (!rows[0]) throw new NotFound(`order ${orderId}`);
      const next = advance(rows[0].status, target);
      if (!next) return { outcome: 'ignored' };
      await tx.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [orderId, next.status]);
      for (const type of next.events)
        await tx.query('INSERT INTO order_events (order_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orderId, type]);
      return { outcome: 'applied', ageSeconds: rows[0].age };
    });
  }

  /** What an order holds elsewhere: its stock reservation and its charge. */
  async holdings(orderId: string): Promise<{ reservationId?: string; chargeId?: string }> {
    const { rows } = await this.pool.query<{ reservation_id: string | null; charge_id: string | null }>(
      'SELECT reservation_id, charge_id FROM orders WHERE id = $1',
      [orderId],
    );
    return { reservationId: rows[0]?.reservation_id ?? undefined, chargeId: rows[0]?.charge_id ?? undefined };
  }

  async view(orderId: string): Promise<OrderView> {
    const { rows } = await this.pool.query<OrderRow>(
      'SELECT id, status, items, total_cents, trace_id, failure_reason FROM orders WHERE id = $1',
      [orderId],
    );
    const order = rows[0];
    if (!order) throw new NotFound(`order ${orderId}`);
    const events = await this.pool.query<{ type: OrderEventType; at: Date }>(
      'SELECT type, at FROM order_events WHERE order_id = $1 ORDER BY at, type',
      [orderId],
    );
    return {
      id: order.id,
      status: order.status,
      items: order.items,
      totalCents: order.total_cents,
      traceId: order.trace_id,
      events: events.rows.map((e) => ({ type: e.type, at: e.at.toISOString() })),
      ...(order.failure_reason ? { failureReason: order.failure_reason } : {}),
    };
  }

  /**
   * One relay pass over the outbox, exclusive of every other relay (see outbox-relay.ts for why
   * this is correct): in one transaction, the outbox's advisory lock (waiting up to
   * `waitMs` for a relay that holds it), the oldest unsent rows, `relay` sending them, then one
   * UPDATE marking those it sent, and COMMIT, which releases the lock. A relay whose session dies
   * (its process killed) loses the lock with it and marks nothing: the next holder reads those
   * rows again. Resolves to what `relay` did, or to `undefined` when another relay held the lock
   * for all of `waitMs`; a send error is rethrown after the rows sent before it were marked.
   */
  async claimOutbox(limit: number, waitMs: number, relay: (rows: OutboxRow[]) => Promise<OutboxPass>): Promise<OutboxPass | undefined> {
    let pass: OutboxPass | undefined;
    try {
      await withTransaction(this.pool, async (tx) => {
        await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(waitMs))}ms`]);
        await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
        const { rows } = await tx.query<OutboxDbRow>(
          'SELECT id, event_id, topic, message_key, payload, headers, created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1',
          [limit],
        );
        pass = await relay(rows.map(toOutboxRow));
        if (pass.sent.length) await tx.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [pass.sent]);
      });
    } catch (err) {
      if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return undefined;
      throw err;
    }
    if (pass?.failure !== undefined) throw pass.failure;
    return pass;
  }

  async outboxBacklog(): Promise<{ rows: number; oldestAgeSeconds: number }> {
    const { rows } = await this.pool.query<{ n: number; age: number | null }>(
      'SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE sent_at IS NULL',
    );
    return { rows: rows[0]!.n, oldestAgeSeconds: rows[0]!.age ?? 0 };
  }
}

import type { OrderItemInput, Product, Reservation } from '@hoptrace/contracts';
import { Conflict, NotFound, withTransaction, type Pool, type PoolClient } from '@hoptrace/kit';
import { randomUUID } from 'node:crypto';
import { planReservation, SEED_PRODUCTS } from './catalogue';

export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS products (
     sku text PRIMARY KEY,
     name text NOT NULL,
     price_cents integer NOT NULL CHECK (price_cents >= 0),
     stock integer NOT NULL CHECK (stock >= 0))`,
  `CREATE TABLE IF NOT EXISTS reservations (
     id uuid PRIMARY KEY,
     order_id uuid NOT NULL UNIQUE,
     status text NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
     items jsonb NOT NULL,
     total_cents integer NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
];

type ReservationRow = { id: string; order_id: string; status: Reservation['status']; items: Reservation['items']; total_cents: number };
const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  orderId: r.order_id,
  status: r.status,
  items: r.items,
  totalCents: r.total_cents,
});
type ProductRow = { sku: string; name: string; price_cents: number; stock: number };
const toProduct = (r: ProductRow): Product => ({ sku: r.sku, name: r.name, priceCents: r.price_cents, stock: r.stock });

/** All SQL of the inventory service. */
export class InventoryStore {
  constructor(private readonly pool: Pool) {}

  async seed(): Promise<void> {
    for (const p of SEED_PRODUCTS) {
      await this.pool.query('INSERT INTO products (sku, name, price_cents, stock) VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO NOTHING', [
        p.sku,
        p.name,
        p.priceCents,
        p.stock,
      ]);
    }
  }

  async listProducts(): Promise<Product[]> {
    const { rows } = await this.pool.query<ProductRow>('SELECT sku, name, price_cents, stock FROM products ORDER BY sku');
    return rows.map(toProduct);
  }

  async idForOrder(orderId: string): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM reservations WHERE order_id = $1', [orderId]);
    if (!rows[0]) throw new NotFound(`reservation for order ${orderId}`);
    return rows[0].id;
  }

  /** Idempotent per order: a second reserve for the same order returns the first reservation. */
  async reserve(orderId: string, items: OrderItemInput[]): Promise<{ reservation: Reservation; created: boolean }> {
    try {
      return await withTransaction(this.pool, async (tx) => {
        const existing = await tx.query<ReservationRow>('SELECT * FROM reservations WHERE order_id = $1', [orderId]);
        if (existing.rows[0]) return { reservation: toReservation(existing.rows[0]), created: false };
        const skus = [...new Set(items.map((i) => i.sku))].sort();
        // Row locks in SKU order: concurrent reservations never deadlock and never oversell.
        const { rows } = await tx.query<ProductRow>(
          'SELECT sku, name, price_cents, stock FROM products WHERE sku = ANY($1) ORDER BY sku FOR UPDATE',
          [skus],
        );
        const plan = planReservation(rows.map(toProduct), items);
        for (const line of plan.lines) await tx.query('UPDATE products SET stock = stock - $2 WHERE sku = $1', [line.sku, line.quantity]);
        const inserted = await tx.query<ReservationRow>(
          `INSERT INTO reservations (id, order_id, status, items, total_cents) VALUES ($1, $2, 'reserved', $3, $4) RETURNING *`,
          [randomUUID(), orderId, JSON.stringify(plan.lines), plan.totalCents],
        );
        return { reservation: toReservation(inserted.rows[0]!), created: true };
      });
    } catch (err) {
      // The same order reserved concurrently: the other transaction won; answer with its result.
      if ((err as { code?: string }).code === '23505') {
        const { rows } = await this.pool.query<ReservationRow>('SELECT * FROM reservations WHERE order_id = $1', [orderId]);
        if (rows[0]) return { reservation: toReservation(rows[0]), created: false };
      }
      throw err;
    }
  }

  /** Stock leaves the shelf for good. Idempotent; a released reservation cannot be committed. */
  async commit(id: string): Promise<Reservation> {
    return withTransaction(this.pool, async (tx) => {
      const r = await this.lock(tx, id);
      if (r.status === 'released') throw new Conflict('reservation_released', `reservation ${id} was released`);
      if (r.status === 'committed') return toReservation(r);
      const { rows } = await tx.query<ReservationRow>(
        `UPDATE reservations SET status = 'committed', updated_at = now() WHERE id = $1 RETURNING *`,
        [id],
      );
      return toReservation(rows[0]!);
    });
  }

  /** Stock goes back on the shelf. Idempotent; a committed reservation cannot be released. */
  async release(id: string): Promise<Reservation> {
    return withTransaction(this.pool, async (tx) => {
      const r = await this.lock(tx, id);
      if (r.status === 'committed') throw new Conflict('reservation_committed', `reservation ${id} was already committed`);
      if (r.status === 'released') return toReservation(r);
      for (const line of r.items) await tx.query('UPDATE products SET stock = stock + $2 WHERE sku = $1', [line.sku, line.quantity]);
      const { rows } = await tx.query<ReservationRow>(
        `UPDATE reservations SET status = 'released', updated_at = now() WHERE id = $1 RETURNING *`,
        [id],
      );
      return toReservation(rows[0]!);
    });
  }

  private async lock(tx: PoolClient, id: string): Promise<ReservationRow> {
    const { rows } = await tx.query<ReservationRow>('SELECT * FROM reservations WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw new NotFound(`reservation ${id}`);
    return rows[0];
  }
}

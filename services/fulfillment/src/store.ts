import type { Pool } from '@hoptrace/kit';
import type { Shipment } from './ship-order';

export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS shipments (
     order_id uuid PRIMARY KEY,
     placed_event_id uuid NOT NULL UNIQUE,
     tracking_number text NOT NULL,
     shipped_event_id uuid NOT NULL,
     email text NOT NULL,
     shipped_at timestamptz NOT NULL DEFAULT now())`,
];

type Row = {
  order_id: string;
  placed_event_id: string;
  tracking_number: string;
  shipped_event_id: string;
  email: string;
  shipped_at: Date;
};
const toShipment = (r: Row): Shipment => ({
  orderId: r.order_id,
  placedEventId: r.placed_event_id,
  trackingNumber: r.tracking_number,
  shippedEventId: r.shipped_event_id,
  email: r.email,
  shippedAt: r.shipped_at,
});

/** All SQL of the fulfillment service. */
export class FulfillmentStore {
  constructor(private readonly pool: Pool) {}

  async findShipment(orderId: string): Promise<Shipment | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM shipments WHERE order_id = $1', [orderId]);
    return rows[0] && toShipment(rows[0]);
  }

  async recordShipment(s: Omit<Shipment, 'shippedAt'>): Promise<Shipment> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO shipments (order_id, placed_event_id, tracking_number, shipped_event_id, email) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING *`,
      [s.orderId, s.placedEventId, s.trackingNumber, s.shippedEventId, s.email],
    );
    if (rows[0]) return toShipment(rows[0]);
    const existing = await this.findShipment(s.orderId);
    if (!existing) throw new Error(`shipment for order ${s.orderId} conflicted but cannot be read`);
    return existing;
  }
}

import type { Notification } from '@hoptrace/contracts';
import type { Pool } from '@hoptrace/kit';
import type { SentNotification } from './notify-customer';

export const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS notifications (
     id uuid PRIMARY KEY,
     order_id uuid NOT NULL,
     shipped_event_id uuid NOT NULL UNIQUE,
     notified_event_id uuid NOT NULL,
     channel text NOT NULL,
     recipient text NOT NULL,
     subject text NOT NULL,
     sent_at timestamptz NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS notifications_by_order ON notifications (order_id)',
];

type Row = {
  id: string;
  order_id: string;
  shipped_event_id: string;
  notified_event_id: string;
  channel: 'email';
  recipient: string;
  subject: string;
  sent_at: Date;
};
const toNotification = (r: Row): SentNotification => ({
  id: r.id,
  orderId: r.order_id,
  channel: r.channel,
  to: r.recipient,
  subject: r.subject,
  sentAt: r.sent_at.toISOString(),
  shippedEventId: r.shipped_event_id,
  notifiedEventId: r.notified_event_id,
});

/** All SQL of the notifications service. */
export class NotificationsStore {
  constructor(private readonly pool: Pool) {}

  async recordNotification(n: SentNotification): Promise<SentNotification> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO notifications (id, order_id, shipped_event_id, notified_event_id, channel, recipient, subject, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (shipped_event_id) DO NOTHING RETURNING *`,
      [n.id, n.orderId, n.shippedEventId, n.notifiedEventId, n.channel, n.to, n.subject, n.sentAt],
    );
    if (rows[0]) return toNotification(rows[0]);
    const existing = await this.pool.query<Row>('SELECT * FROM notifications WHERE shipped_event_id = $1', [n.shippedEventId]);
    if (!existing.rows[0]) throw new Error(`notification for event ${n.shippedEventId} conflicted but cannot be read`);
    return toNotification(existing.rows[0]);
  }

  async forOrder(orderId: string): Promise<Notification[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM notifications WHERE order_id = $1 ORDER BY sent_at', [orderId]);
    return rows.map(toNotification).map(({ shippedEventId: _s, notifiedEventId: _n, ...public_ }) => public_);
  }
}

import { Topics, type OrderPlaced, type OrderShipped } from '@hoptrace/contracts';
import type { MessageSender } from '@hoptrace/kit';
import { randomBytes } from 'node:crypto';

export interface Shipment {
  orderId: string;
  placedEventId: string;
  trackingNumber: string;
  shippedEventId: string;
  email: string;
  shippedAt: Date;
}

export interface ShipOrderDeps {
  store: {
    findShipment(orderId: string): Promise<Shipment | undefined>;
    /** Inserts unless the order already has a shipment; returns the one that exists. */
    recordShipment(shipment: Omit<Shipment, 'shippedAt'>): Promise<Shipment>;
  };
  inventory: { commit(reservationId: string): Promise<unknown> };
  sender: MessageSender;
  newId: () => string;
  /** Where an injected crash may stop the work: after the shipment is recorded, before it is published. */
  checkpoint?: (step: string) => Promise<void>;
}

/** Tracking numbers look like a carrier's: HT and ten characters of Crockford base32. */
export function newTrackingNumber(bytes: Buffer = randomBytes(10)): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `HT${[...bytes].map((b) => alphabet[b % 32]).join('')}`;
}

export function shippedEvent(shipment: Shipment): OrderShipped {
  return {
    type: 'OrderShipped',
    eventId: shipment.shippedEventId,
    schemaVersion: 1,
    orderId: shipment.orderId,
    occurredAt: shipment.shippedAt.toISOString(),
    trackingNumber: shipment.trackingNumber,
    customer: { email: shipment.email },
  };
}

/**
 * Ships an order once, however often OrderPlaced is delivered: the shipment row is the record
 * (one per order). The reservation is committed before it is written (commit is idempotent, so a
 * crash in between only repeats it). OrderShipped is published after, on every delivery, with
 * the event id stored in the row: a crash after the row but before the publish is healed by the
 * redelivery, and the consumers downstream drop the duplicates by that id.
 */
export async function shipOrder(deps: ShipOrderDeps, event: OrderPlaced): Promise<{ shipment: Shipment; firstTime: boolean }> {
  let shipment = await deps.store.findShipment(event.orderId);
  const firstTime = !shipment;
  if (!shipment) {
    await deps.inventory.commit(event.reservationId);
    shipment = await deps.store.recordShipment({
      orderId: event.orderId,
      placedEventId: event.eventId,
      trackingNumber: newTrackingNumber(),
      shippedEventId: deps.newId(),
      email: event.customer.email,
    });
  }
  await deps.checkpoint?.('shipment recorded');
  await deps.sender.send({
    topic: Topics.orderShipped,
    acks: -1,
    messages: [{ key: event.orderId, value: JSON.stringify(shippedEvent(shipment)) }],
  });
  return { shipment, firstTime };
}

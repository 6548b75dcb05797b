import { Topics, type Notification, type OrderNotified, type OrderShipped } from '@hoptrace/contracts';
import type { MessageSender } from '@hoptrace/kit';

export interface SentNotification extends Notification {
  shippedEventId: string;
  notifiedEventId: string;
}

export interface NotifyDeps {
  store: {
    /** Inserts unless this OrderShipped event was handled before; returns the one that exists. */
    recordNotification(n: SentNotification): Promise<SentNotification>;
  };
  sender: MessageSender;
  newId: () => string;
  now: () => Date;
  /** Where an injected crash may stop the work: after the notification is recorded, before it is published. */
  checkpoint?: (step: string) => Promise<void>;
}

export function shippingEmail(event: OrderShipped): { subject: string } {
  return { subject: `Your hoptrace order ${event.orderId.slice(0, 8)} has shipped (tracking ${event.trackingNumber})` };
}

export function notifiedEvent(n: SentNotification): OrderNotified {
  return {
    type: 'OrderNotified',
    eventId: n.notifiedEventId,
    schemaVersion: 1,
    orderId: n.orderId,
    occurredAt: n.sentAt,
    notificationId: n.id,
    channel: 'email',
  };
}

/**
 * "Sends" the shipping email once per OrderShipped event id (the record of it is the sending),
 * then publishes OrderNotified with the event id stored alongside, on every delivery, so a crash
 * between the two is healed by the redelivery and orders drops the duplicate.
 */
export async function notifyCustomer(deps: NotifyDeps, event: OrderShipped): Promise<SentNotification> {
  const notification = await deps.store.recordNotification({
    id: deps.newId(),
    orderId: event.orderId,
    channel: 'email',
    to: event.customer.email,
    subject: shippingEmail(event).subject,
    sentAt: deps.now().toISOString(),
    shippedEventId: event.eventId,
    notifiedEventId: deps.newId(),
  });
  await deps.checkpoint?.('notification recorded');
  await deps.sender.send({
    topic: Topics.orderNotified,
    acks: -1,
    messages: [{ key: event.orderId, value: JSON.stringify(notifiedEvent(notification)) }],
  });
  return notification;
}

import { z } from 'zod';
import { OrderItem } from './api';

/** Kafka topics, keyed by order id. A message that cannot be processed goes to `<topic>.dlq`. */
export const Topics = {
  orderPlaced: 'orders.placed',
  orderShipped: 'orders.shipped',
  orderNotified: 'orders.notified',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];
export const TOPICS = Object.values(Topics) as Topic[];
export const dlqOf = (topic: string) => `${topic}.dlq`;
export const DEAD_LETTER_TOPICS = TOPICS.map(dlqOf);

/** Headers a dead-lettered message carries besides its original ones. */
export const DlqHeaders = {
  error: 'hoptrace-dlq-error',
  attempts: 'hoptrace-dlq-attempts',
  originalTopic: 'hoptrace-dlq-original-topic',
  consumer: 'hoptrace-dlq-consumer',
} as const;

const envelope = {
  eventId: z.uuid(),
  schemaVersion: z.literal(1),
  orderId: z.uuid(),
  occurredAt: z.iso.datetime(),
};

export const OrderPlaced = z.object({
  ...envelope,
  type: z.literal('OrderPlaced'),
  reservationId: z.uuid(),
  items: z.array(OrderItem).min(1),
  totalCents: z.number().int().nonnegative(),
  // Personal data travels in the payload only, never in headers, spans or logs.
  customer: z.object({ email: z.email() }),
});
export type OrderPlaced = z.infer<typeof OrderPlaced>;

export const OrderShipped = z.object({
  ...envelope,
  type: z.literal('OrderShipped'),
  trackingNumber: z.string().min(1),
  customer: z.object({ email: z.email() }),
});
export type OrderShipped = z.infer<typeof OrderShipped>;

export const OrderNotified = z.object({
  ...envelope,
  type: z.literal('OrderNotified'),
  notificationId: z.uuid(),
  channel: z.literal('email'),
});
export type OrderNotified = z.infer<typeof OrderNotified>;

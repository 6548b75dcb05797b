import { DlqHeaders, dlqOf, OrderNotified, OrderShipped, Topics } from '@hoptrace/contracts';
import { EventConsumer, jsonEvent, type FaultAdmission, type FaultMarks, type Logger, type MessageSender } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { OrderMetrics } from './metrics';
import type { OrdersStore } from './store';

const decodeShipped = jsonEvent(OrderShipped);
const decodeNotified = jsonEvent(OrderNotified);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CONSUMED_TOPICS = [Topics.orderShipped, Topics.orderNotified];
export const WATCHED_DEAD_LETTERS = [Topics.orderPlaced, Topics.orderShipped, Topics.orderNotified].map(dlqOf);

interface Deps { kafka: Kafka; producer: MessageSender; store: OrdersStore; logger: Logger; metrics: OrderMetrics; faultMarks: FaultMarks; faults: FaultAdmission }

/** Undoing what a failed order holds: both calls are idempotent and safe to repeat. */
export interface Compensation {
  releaseStock(reservationId: string): Promise<unknown>;
  refund(chargeId: string): Promise<unknown>;
}

/** orders.shipped and orders.notified advance an order to shipped, then completed, once each. */
export function progressConsumer({ kafka, producer, store, logger, metrics, faultMarks, faults }: Deps): EventConsumer<OrderShipped | OrderNotified> {
  return new EventConsumer<OrderShipped | OrderNotified>({
    kafka, producer, logger, faultMarks, faults,
    service: 'orders',
    groupId: 'orders',
    topics: CONSUMED_TOPICS,
    decode: (message, topic) => (topic === Topics.orderShipped ? decodeShipped(message) : decodeNotified(message)),
    handle: async (event) => {
      trace.getActiveSpan()?.setAttribute('order.id', event.orderId);
      const target = event.type === 'OrderShipped' ? 'shipped' : 'completed';
      const { outcome, ageSeconds } = await store.applyProgress(event.eventId, event.orderId, target);
      if (outcome === 'applied' && target === 'completed' && ageSeconds !== undefined) metrics.completed(ageSeconds);
      logger.info({ orderId: event.orderId, event: event.type, outcome }, 'order progress');
    },
  });
}

/**
 * Every dead letter names an order (the message key): that order is marked failed with the
 * reason the consumer gave up. Nothing here is ever dead-lettered again: a dead letter without
 * an order id is logged and skipped.
 */
export function deadLetterWatcher({ kafka, producer, store, logger, metrics, faults }: Deps, compensation: Compensation): EventConsumer<{ orderId?: string; source: string; reason: string }> {
  return new EventConsumer({
    kafka, producer, logger, faults,
    groupId: 'orders-dead-letters',
    topics: WATCHED_DEAD_LETTERS,
    decode: (message, topic) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? '';
      const key = message.key?.toString();
      const source = header(DlqHeaders.originalTopic) || topic.replace(/\.dlq$/, '');
      return { orderId: key && UUID.test(key) ? key : undefined, source, reason: `${source} could not be processed: ${header(DlqHeaders.error) || 'unknown error'}` };
    },
    handle: async ({ orderId, source, reason }) => {
      if (!orderId) {
        logger.warn({ reason }, 'dead letter without an order id');
        return;
      }
      trace.getActiveSpan()?.setAttribute('order.id', orderId);
      const failed = await store.markFailed(orderId, reason);
      if (failed) metrics.failed('dead_letter');
      logger.warn({ orderId, failed }, 'order failed by a dead letter');
      // An order that never shipped gives its stock back and its money back; once shipped, the
      // reservation is committed and stays so.
      if (source === Topics.orderPlaced) {
        const { reservationId, chargeId } = await store.holdings(orderId);
        if (reservationId) await compensation.releaseStock(reservationId).catch((err: Error) => logger.warn({ orderId, err: { message: err.message } }, 'could not release the stock of a dead-lettered order'));
        if (chargeId) await compensation.refund(chargeId).catch((err: Error) => logger.warn({ orderId, err: { message: err.message } }, 'could not refund a dead-lettered order'));
      }
    },
  });
}

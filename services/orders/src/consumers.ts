import { DEAD_LETTER_TOPICS, DlqHeaders, isUuid, OrderNotified, OrderShipped, Services, Topics } from '@hoptrace/contracts';
import { consumerFaults, type FaultAdmission } from '@hoptrace/faults';
import { EventConsumer, jsonEvent, type Logger, type MessageSender } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { OrderMetrics } from './metrics';
import type { OrdersStore } from './store';

const decodeShipped = jsonEvent(OrderShipped);
const decodeNotified = jsonEvent(OrderNotified);
const SERVICE = Services.orders;

interface Deps {
  kafka: Kafka;
  producer: MessageSender;
  store: OrdersStore;
  logger: Logger;
  metrics: OrderMetrics;
  admission: FaultAdmission;
}

/** Undoing what a failed order holds: both calls are idempotent and safe to repeat. */
export interface Compensation {
  releaseStock(reservationId: string): Promise<unknown>;
  refund(chargeId: string): Promise<unknown>;
}

/** orders.shipped and orders.notified advance an order to shipped, then completed, once each. */
export function progressConsumer({
  kafka,
  producer,
  store,
  logger,
  metrics,
  admission,
}: Deps): EventConsumer<OrderShipped | OrderNotified> {
  return new EventConsumer<OrderShipped | OrderNotified>({
    kafka,
    producer,
    logger,
    interceptors: [consumerFaults(admission, SERVICE.name)],
    groupId: SERVICE.name,
    topics: [Topics.orderShipped, Topics.orderNotified],
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
export function deadLetterWatcher(
  { kafka, producer, store, logger, metrics, admission }: Deps,
  compensation: Compensation,
): EventConsumer<{ orderId?: string; source: string; reason: string }> {
  return new EventConsumer({
    kafka,
    producer,
    logger,
    // Admission only: no fault is aimed at the watcher, but what it sends on carries none either.
    interceptors: [consumerFaults(admission)],
    groupId: `${SERVICE.name}-dead-letters`,
    topics: DEAD_LETTER_TOPICS,
    decode: (message, topic) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? '';
      const key = message.key?.toString();
      const source = header(DlqHeaders.originalTopic) || topic.replace(/\.dlq$/, '');
      return {
        orderId: isUuid(key) ? key : undefined,
        source,
        reason: `${source} could not be processed: ${header(DlqHeaders.error) || 'unknown error'}`,
      };
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
        if (reservationId)
          await compensation
            .releaseStock(reservationId)
            .catch((err: Error) =>
              logger.warn({ orderId, err: { message: err.message } }, 'could not release the stock of a dead-lettered order'),
            );
        if (chargeId)
          await compensation
            .refund(chargeId)
            .catch((err: Error) => logger.warn({ orderId, err: { message: err.message } }, 'could not refund a dead-lettered order'));
      }
    },
  });
}

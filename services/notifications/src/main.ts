import { dlqOf, OrderShipped, Topics } from '@hoptrace/contracts';
import { EventConsumer, jsonEvent, kafkaServiceReadiness, listen, openKafkaService, runService, startConsumers, withPoisonFaults } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { notifyCustomer } from './notify-customer';
import { MIGRATIONS, NotificationsStore } from './store';

runService('notifications', async () => {
  const config = readConfig();
  const r = await openKafkaService('notifications', config, MIGRATIONS);
  const store = new NotificationsStore(r.pool);
  const deps = { store, sender: withPoisonFaults('notifications', r.producer, r.faults), newId: randomUUID, now: () => new Date() };
  const consumer = new EventConsumer<OrderShipped>({
    kafka: r.kafka, producer: r.producer, logger: r.logger, faultMarks: r.faultMarks, faults: r.faults,
    service: 'notifications',
    groupId: 'notifications',
    topics: [Topics.orderShipped],
    decode: jsonEvent(OrderShipped),
    handle: async (event, delivery) => {
      trace.getActiveSpan()?.setAttribute('order.id', event.orderId);
      const sent = await notifyCustomer({ ...deps, checkpoint: delivery.checkpoint }, event);
      r.logger.info({ orderId: event.orderId, notificationId: sent.id }, 'customer notified');
    },
  });
  let server: Server | undefined;
  const stop = startConsumers(r, [Topics.orderShipped, dlqOf(Topics.orderShipped), Topics.orderNotified], [consumer], () => server);
  server = await listen(buildApp({ store, logger: r.logger, faults: r.faults, readiness: kafkaServiceReadiness(r, true) }), config.PORT);
  r.logger.info({ port: config.PORT }, 'notifications listening');
  return { logger: r.logger, service: { stop } };
});

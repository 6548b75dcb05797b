import { dlqOf, OrderShipped, Topics } from '@hoptrace/contracts';
import {
  closeServer, createKafka, createLogger, createPool, ensureTopics, EventConsumer, FAULT_MARKS_MIGRATION, faultMarksIn, jsonEvent, keepTrying, listen,
  ManagedProducer, migrate, pingKafka, runService, withPoisonFaults,
} from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { notifyCustomer } from './notify-customer';
import { MIGRATIONS, NotificationsStore } from './store';

runService('notifications', async () => {
  const config = readConfig();
  const logger = createLogger('notifications', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger);
  await migrate(pool, [...MIGRATIONS, FAULT_MARKS_MIGRATION]);
  const store = new NotificationsStore(pool);
  const kafka = createKafka('notifications', config.KAFKA_BROKERS, logger);
  const producer = new ManagedProducer(kafka);
  const deps = { store, sender: withPoisonFaults('notifications', producer), newId: randomUUID, now: () => new Date() };
  const consumer = new EventConsumer<OrderShipped>({
    kafka, producer, logger,
    service: 'notifications',
    faultMarks: faultMarksIn(pool),
    groupId: 'notifications',
    topics: [Topics.orderShipped],
    decode: jsonEvent(OrderShipped),
    handle: async (event, delivery) => {
      trace.getActiveSpan()?.setAttribute('order.id', event.orderId);
      const sent = await notifyCustomer({ ...deps, checkpoint: delivery.checkpoint }, event);
      logger.info({ orderId: event.orderId, notificationId: sent.id }, 'customer notified');
    },
  });
  let stopping = false;
  const kafkaStarted = keepTrying('starting the Kafka consumer', async () => {
    await ensureTopics(kafka, [Topics.orderShipped, dlqOf(Topics.orderShipped), Topics.orderNotified]);
    await consumer.start();
  }, logger, () => stopping);

  const app = buildApp({ store, logger, readiness: [
    { name: 'database', required: true, check: () => pool.query('SELECT 1') },
    { name: 'kafka', required: true, check: () => pingKafka(kafka) },
  ] });
  const server = await listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'notifications listening');
  return {
    logger,
    service: {
      stop: async () => {
        stopping = true;
        await closeServer(server);
        await kafkaStarted;
        await consumer.stop();
        await producer.disconnect();
        await pool.end();
      },
    },
  };
});

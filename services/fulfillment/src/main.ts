import { dlqOf, OrderPlaced, Topics } from '@hoptrace/contracts';
import { InventoryClient } from '@hoptrace/inventory/client';
import {
  closeServer, createKafka, createLogger, createPool, ensureTopics, EventConsumer, FAULT_MARKS_MIGRATION, faultMarksIn, jsonEvent, keepTrying, listen,
  ManagedProducer, migrate, pingKafka, runService, withPoisonFaults,
} from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { shipOrder } from './ship-order';
import { FulfillmentStore, MIGRATIONS } from './store';

runService('fulfillment', async () => {
  const config = readConfig();
  const logger = createLogger('fulfillment', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger);
  await migrate(pool, [...MIGRATIONS, FAULT_MARKS_MIGRATION]);
  const store = new FulfillmentStore(pool);
  const kafka = createKafka('fulfillment', config.KAFKA_BROKERS, logger);
  const producer = new ManagedProducer(kafka);
  const deps = { store, inventory: new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS), sender: withPoisonFaults('fulfillment', producer), newId: randomUUID };
  const consumer = new EventConsumer<OrderPlaced>({
    kafka, producer, logger,
    service: 'fulfillment',
    faultMarks: faultMarksIn(pool),
    groupId: 'fulfillment',
    topics: [Topics.orderPlaced],
    decode: jsonEvent(OrderPlaced),
    handle: async (event, delivery) => {
      trace.getActiveSpan()?.setAttributes({ 'order.id': event.orderId, 'order.item_count': event.items.length, 'order.total_cents': event.totalCents });
      const { shipment, firstTime } = await shipOrder({ ...deps, checkpoint: delivery.checkpoint }, event);
      logger.info({ orderId: event.orderId, trackingNumber: shipment.trackingNumber, firstTime }, firstTime ? 'order shipped' : 'order already shipped; event re-published');
    },
  });
  let stopping = false;
  const kafkaStarted = keepTrying('starting the Kafka consumer', async () => {
    await ensureTopics(kafka, [Topics.orderPlaced, dlqOf(Topics.orderPlaced), Topics.orderShipped]);
    await consumer.start();
  }, logger, () => stopping);

  const app = buildApp({ logger, readiness: [
    { name: 'database', required: true, check: () => pool.query('SELECT 1') },
    { name: 'kafka', required: true, check: () => pingKafka(kafka) },
  ] });
  const server = await listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'fulfillment listening');
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

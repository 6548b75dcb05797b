import { Topics, dlqOf } from '@hoptrace/contracts';
import { InventoryClient } from '@hoptrace/inventory/client';
import {
  closeServer, createKafka, createLogger, createPool, ensureTopics, keepTrying, listen, ManagedProducer, migrate, pingKafka, runService,
} from '@hoptrace/kit';
import { PaymentsClient } from '@hoptrace/payments/client';
import { context, propagation } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { deadLetterWatcher, progressConsumer, WATCHED_DEAD_LETTERS } from './consumers';
import { createOrderMetrics, observeOutbox } from './metrics';
import { OutboxRelay } from './outbox-relay';
import { MIGRATIONS, OrdersStore } from './store';

runService('orders', async () => {
  const config = readConfig();
  const logger = createLogger('orders', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger);
  await migrate(pool, MIGRATIONS);
  const store = new OrdersStore(pool);
  const kafka = createKafka('orders', config.KAFKA_BROKERS, logger);
  const producer = new ManagedProducer(kafka);

  const metrics = createOrderMetrics();
  observeOutbox(store);
  const relay = new OutboxRelay(store, producer, logger, config.OUTBOX_IDLE_MS);
  relay.start();
  const consumers = [progressConsumer({ kafka, producer, store, logger, metrics }), deadLetterWatcher({ kafka, producer, store, logger, metrics })];
  let stopping = false;
  // Orders are taken while Kafka is down (the outbox keeps them): Kafka work starts in the background.
  const kafkaStarted = keepTrying('starting Kafka consumers', async () => {
    await ensureTopics(kafka, [...Object.values(Topics), ...Object.values(Topics).map(dlqOf), ...WATCHED_DEAD_LETTERS]);
    for (const consumer of consumers) await consumer.start();
  }, logger, () => stopping);

  const app = buildApp({
    store,
    logger,
    placeOrderDeps: {
      store,
      inventory: new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS),
      payments: new PaymentsClient(config.PAYMENTS_URL, config.HTTP_TIMEOUT_MS),
      newId: randomUUID,
      now: () => new Date(),
      traceHeaders: () => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        return carrier;
      },
      warn: (message, err) => logger.warn({ err: { message: (err as Error).message } }, message),
      metrics,
    },
    readiness: [
      { name: 'database', required: true, check: () => pool.query('SELECT 1') },
      { name: 'kafka', required: false, check: () => pingKafka(kafka) },
    ],
  });
  const server = await listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'orders listening');
  return {
    logger,
    service: {
      stop: async () => {
        stopping = true;
        await closeServer(server);
        await relay.stop();
        await kafkaStarted;
        for (const consumer of consumers) await consumer.stop();
        await producer.disconnect();
        await pool.end();
      },
    },
  };
});

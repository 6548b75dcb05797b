import { Topics, dlqOf } from '@hoptrace/contracts';
import { InventoryClient } from '@hoptrace/inventory/client';
import {
  CircuitBreaker, closeServer, createKafka, createLogger, createPool, DependencyUnavailable, ensureTopics, FAULT_MARKS_MIGRATION, faultMarksIn, keepTrying, listen,
  ManagedProducer, migrate, pingKafka, runService, withPoisonFaults,
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
  await migrate(pool, [...MIGRATIONS, FAULT_MARKS_MIGRATION]);
  const store = new OrdersStore(pool);
  const kafka = createKafka('orders', config.KAFKA_BROKERS, logger);
  const producer = new ManagedProducer(kafka);

  const metrics = createOrderMetrics();
  observeOutbox(store);
  const relay = new OutboxRelay(store, withPoisonFaults('orders', producer), logger, config.OUTBOX_IDLE_MS);
  relay.start();
  const faultMarks = faultMarksIn(pool);
  const consumers = [progressConsumer({ kafka, producer, store, logger, metrics, faultMarks }), deadLetterWatcher({ kafka, producer, store, logger, metrics, faultMarks })];
  // Per-request injected errors stay out of the breaker's count: one request's fault must not
  // change what other requests see. Global faults and real failures count.
  const paymentsBreaker = new CircuitBreaker('payments', {
    isFailure: (err) => err instanceof DependencyUnavailable && err.upstreamCode !== 'fault_injected_request',
  });
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
      payments: new PaymentsClient(config.PAYMENTS_URL, config.HTTP_TIMEOUT_MS, paymentsBreaker),
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

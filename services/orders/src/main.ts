import { dlqOf, Topics } from '@hoptrace/contracts';
import { InventoryClient } from '@hoptrace/inventory/client';
import {
  CircuitBreaker, DependencyUnavailable, kafkaServiceReadiness, listen, openKafkaService, runService, startConsumers, withPoisonFaults,
} from '@hoptrace/kit';
import { PaymentsClient } from '@hoptrace/payments/client';
import { context, propagation } from '@opentelemetry/api';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { deadLetterWatcher, progressConsumer, WATCHED_DEAD_LETTERS } from './consumers';
import { createOrderMetrics, observeOutbox } from './metrics';
import { OutboxRelay } from './outbox-relay';
import { MIGRATIONS, OrdersStore } from './store';

runService('orders', async () => {
  const config = readConfig();
  const r = await openKafkaService('orders', config, MIGRATIONS);
  const { logger } = r;
  const store = new OrdersStore(r.pool);
  const metrics = createOrderMetrics();
  observeOutbox(store);
  const relay = new OutboxRelay(store, withPoisonFaults('orders', r.producer, r.faults), logger, config.OUTBOX_IDLE_MS);
  relay.start();
  const inventory = new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS);
  // Per-request injected errors stay out of the breaker's count: one request's fault must not
  // change what other requests see. Global faults and real failures count.
  const payments = new PaymentsClient(config.PAYMENTS_URL, config.HTTP_TIMEOUT_MS, new CircuitBreaker('payments', {
    isFailure: (err) => err instanceof DependencyUnavailable && err.upstreamCode !== 'fault_injected_request',
  }));
  const consumerDeps = { kafka: r.kafka, producer: r.producer, store, logger, metrics, faultMarks: r.faultMarks, faults: r.faults };
  const consumers = [
    progressConsumer(consumerDeps),
    deadLetterWatcher(consumerDeps, { releaseStock: (id) => inventory.release(id), refund: (id) => payments.refund(id) }),
  ];
  let server: Server | undefined;
  // Orders are taken while Kafka is down (the outbox keeps them): consumers start in the background.
  const stop = startConsumers(r, [...Object.values(Topics), ...Object.values(Topics).map(dlqOf), ...WATCHED_DEAD_LETTERS], consumers, () => server,
    () => relay.stop());

  const app = buildApp({
    store,
    logger,
    placeOrderDeps: {
      store,
      inventory,
      payments,
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
    readiness: kafkaServiceReadiness(r, false),
    faults: r.faults,
  });
  server = await listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'orders listening');
  return { logger, service: { stop } };
});

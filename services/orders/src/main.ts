import { Services } from '@hoptrace/contracts';
import { FaultAdmission, httpFaultHooks, isPerRequestFaultCode, withPoisonFaults } from '@hoptrace/faults';
import { InventoryClient } from '@hoptrace/inventory/client';
import {
  CircuitBreaker,
  DependencyUnavailable,
  kafkaServiceParts,
  kafkaServiceReadiness,
  mutualTls,
  openKafkaService,
  runService,
  tlsIdentity,
} from '@hoptrace/kit';
import { PaymentsClient } from '@hoptrace/payments/client';
import { context, propagation } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { deadLetterWatcher, progressConsumer } from './consumers';
import { createOrderMetrics, observeOutbox } from './metrics';
import { OutboxRelay } from './outbox-relay';
import { MIGRATIONS, OrdersStore } from './store';

const SERVICE = Services.orders;

void runService(SERVICE, async () => {
  const config = readConfig();
  const r = await openKafkaService(SERVICE.name, config, MIGRATIONS);
  const { logger } = r;
  const admission = new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN);
  const store = new OrdersStore(r.pool);
  const metrics = createOrderMetrics();
  observeOutbox(store);
  const inventory = new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS);
  // Per-request injected errors stay out of the breaker's count: one request's fault must not
  // change what other requests see. Global faults and real failures count.
  const payments = new PaymentsClient(
    config.PAYMENTS_GRPC_ADDRESS,
    config.HTTP_TIMEOUT_MS,
    new CircuitBreaker(Services.payments.name, {
      isFailure: (err) => err instanceof DependencyUnavailable && !isPerRequestFaultCode(err.upstreamCode),
    }),
    tlsIdentity(config),
  );
  const consumerDeps = { kafka: r.kafka, producer: r.producer, store, logger, metrics, admission };
  const relay = new OutboxRelay(store, withPoisonFaults(SERVICE.name, r.producer, admission), logger, config.OUTBOX_IDLE_MS);
  const app = buildApp({
    store,
    logger,
    placeOrderDeps: {
      store,
      inventory,
      payments,
      newId: randomUUID,
      now: () => new Date(),
      outboxWritten: () => relay.wake(),
      traceHeaders: () => {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        return carrier;
      },
      warn: (message, err) => logger.warn({ err: { message: (err as Error).message } }, message),
      metrics,
    },
    readiness: kafkaServiceReadiness(r, false),
    hooks: httpFaultHooks(SERVICE.name, admission),
  });
  return {
    logger,
    http: { app, port: config.PORT, ...mutualTls(config) },
    // Orders are taken while Kafka is down (the outbox keeps them): consumers start in the background.
    ...kafkaServiceParts(SERVICE, r, [
      progressConsumer(consumerDeps),
      deadLetterWatcher(consumerDeps, { releaseStock: (id) => inventory.release(id), refund: (id) => payments.refund(id) }),
    ]),
    relay,
  };
}).then((code) => process.exit(code));

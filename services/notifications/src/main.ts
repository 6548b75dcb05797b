import { OrderShipped, Services } from '@hoptrace/contracts';
import {
  consumerFaults,
  crashFaults,
  FAULT_MARKS_MIGRATION,
  FaultAdmission,
  faultMarksIn,
  httpFaultHooks,
  withPoisonFaults,
} from '@hoptrace/faults';
import {
  jsonEvent,
  kafkaServiceParts,
  kafkaServiceReadiness,
  mutualTls,
  openKafkaService,
  runService,
  serviceConsumer,
} from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { notifyCustomer } from './notify-customer';
import { MIGRATIONS, NotificationsStore } from './store';

const SERVICE = Services.notifications;

void runService(SERVICE, async () => {
  const config = readConfig();
  const r = await openKafkaService(SERVICE.name, config, [...MIGRATIONS, FAULT_MARKS_MIGRATION]);
  const admission = new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN);
  const store = new NotificationsStore(r.pool);
  // An injected crash ends the process mid-message (exit code 70), as a real crash would.
  const crashPoint = crashFaults({
    service: SERVICE.name,
    admission,
    marks: faultMarksIn(r.pool),
    logger: r.logger,
    exit: (code) => process.exit(code),
  });
  const deps = { store, sender: withPoisonFaults(SERVICE.name, r.producer, admission), newId: randomUUID, now: () => new Date() };
  const consumer = serviceConsumer<OrderShipped>(SERVICE, r, {
    decode: jsonEvent(OrderShipped),
    interceptors: [consumerFaults(admission, SERVICE.name)],
    handle: async (event, delivery) => {
      trace.getActiveSpan()?.setAttribute('order.id', event.orderId);
      const sent = await notifyCustomer({ ...deps, checkpoint: crashPoint(delivery) }, event);
      r.logger.info({ orderId: event.orderId, notificationId: sent.id }, 'customer notified');
    },
  });
  return {
    logger: r.logger,
    http: {
      app: buildApp({ store, logger: r.logger, hooks: httpFaultHooks(SERVICE.name, admission), readiness: kafkaServiceReadiness(r, true) }),
      port: config.PORT,
      ...mutualTls(config),
    },
    ...kafkaServiceParts(SERVICE, r, [consumer]),
  };
}).then((code) => process.exit(code));

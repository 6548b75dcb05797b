import { OrderPlaced, Services } from '@hoptrace/contracts';
import {
  consumerFaults,
  crashFaults,
  FAULT_MARKS_MIGRATION,
  FaultAdmission,
  faultMarksIn,
  httpFaultHooks,
  withPoisonFaults,
} from '@hoptrace/faults';
import { InventoryClient } from '@hoptrace/inventory/client';
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
import { shipOrder } from './ship-order';
import { FulfillmentStore, MIGRATIONS } from './store';

const SERVICE = Services.fulfillment;

void runService(SERVICE, async () => {
  const config = readConfig();
  const r = await openKafkaService(SERVICE.name, config, [...MIGRATIONS, FAULT_MARKS_MIGRATION]);
  const admission = new FaultAdmission(config.HOPTRACE_ADMIN_TOKEN);
  // An injected crash ends the process mid-message (exit code 70), as a real crash would.
  const crashPoint = crashFaults({
    service: SERVICE.name,
    admission,
    marks: faultMarksIn(r.pool),
    logger: r.logger,
    exit: (code) => process.exit(code),
  });
  const deps = {
    store: new FulfillmentStore(r.pool),
    inventory: new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS),
    sender: withPoisonFaults(SERVICE.name, r.producer, admission),
    newId: randomUUID,
  };
  const consumer = serviceConsumer<OrderPlaced>(SERVICE, r, {
    decode: jsonEvent(OrderPlaced),
    interceptors: [consumerFaults(admission, SERVICE.name)],
    handle: async (event, delivery) => {
      trace
        .getActiveSpan()
        ?.setAttributes({ 'order.id': event.orderId, 'order.item_count': event.items.length, 'order.total_cents': event.totalCents });
      const { shipment, firstTime } = await shipOrder({ ...deps, checkpoint: crashPoint(delivery) }, event);
      r.logger.info(
        { orderId: event.orderId, trackingNumber: shipment.trackingNumber, firstTime },
        firstTime ? 'order shipped' : 'order already shipped; event re-published',
      );
    },
  });
  return {
    logger: r.logger,
    http: {
      app: buildApp({ logger: r.logger, hooks: httpFaultHooks(SERVICE.name, admission), readiness: kafkaServiceReadiness(r, true) }),
      port: config.PORT,
      ...mutualTls(config),
    },
    ...kafkaServiceParts(SERVICE, r, [consumer]),
  };
}).then((code) => process.exit(code));

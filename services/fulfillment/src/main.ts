import { dlqOf, OrderPlaced, Topics } from '@hoptrace/contracts';
import { InventoryClient } from '@hoptrace/inventory/client';
import { EventConsumer, jsonEvent, kafkaServiceReadiness, listen, openKafkaService, runService, startConsumers, withPoisonFaults } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildApp } from './app';
import { readConfig } from './config';
import { shipOrder } from './ship-order';
import { FulfillmentStore, MIGRATIONS } from './store';

runService('fulfillment', async () => {
  const config = readConfig();
  const r = await openKafkaService('fulfillment', config, MIGRATIONS);
  const store = new FulfillmentStore(r.pool);
  const deps = { store, inventory: new InventoryClient(config.INVENTORY_URL, config.HTTP_TIMEOUT_MS), sender: withPoisonFaults('fulfillment', r.producer, r.faults), newId: randomUUID };
  const consumer = new EventConsumer<OrderPlaced>({
    kafka: r.kafka, producer: r.producer, logger: r.logger, faultMarks: r.faultMarks, faults: r.faults,
    service: 'fulfillment',
    groupId: 'fulfillment',
    topics: [Topics.orderPlaced],
    decode: jsonEvent(OrderPlaced),
    handle: async (event, delivery) => {
      trace.getActiveSpan()?.setAttributes({ 'order.id': event.orderId, 'order.item_count': event.items.length, 'order.total_cents': event.totalCents });
      const { shipment, firstTime } = await shipOrder({ ...deps, checkpoint: delivery.checkpoint }, event);
      r.logger.info({ orderId: event.orderId, trackingNumber: shipment.trackingNumber, firstTime }, firstTime ? 'order shipped' : 'order already shipped; event re-published');
    },
  });
  let server: Server | undefined;
  const stop = startConsumers(r, [Topics.orderPlaced, dlqOf(Topics.orderPlaced), Topics.orderShipped], [consumer], () => server);
  server = await listen(buildApp({ logger: r.logger, faults: r.faults, readiness: kafkaServiceReadiness(r, true) }), config.PORT);
  r.logger.info({ port: config.PORT }, 'fulfillment listening');
  return { logger: r.logger, service: { stop } };
});

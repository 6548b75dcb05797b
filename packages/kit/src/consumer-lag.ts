import { metrics, type ObservableResult } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';

const meter = metrics.getMeter('hoptrace.kafka');
const lagGauge = meter.createObservableGauge('hoptrace.kafka.consumer.lag', {
  unit: '{message}',
  description: 'messages a consumer group has not yet committed, per topic partition',
});
const watched: { groupId: string; topics: string[]; admin: Admin; connected?: Promise<void> }[] = [];

async function observeGroup(w: (typeof watched)[number], result: ObservableResult): Promise<void> {
  w.connected ??= w.admin.connect().catch((err) => {
    w.connected = undefined;
    throw err;
  });
  await w.connected;
  const committed = await w.admin.fetchOffsets({ groupId: w.groupId, topics: w.topics });
  for (const { topic, partitions } of committed) {
    const ends = await w.admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      // -1: nothing committed yet; everything from the low watermark on is lag.
      const from = offset < 0 ? Number(end.low) : offset;
      result.observe(Math.max(0, Number(end.high) - from), {
        'messaging.consumer.group.name': w.groupId,
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(end.partition),
      });
    }
  }
}

lagGauge.addCallback(async (result) => {
  await Promise.all(watched.map((w) => observeGroup(w, result).catch(() => undefined)));
});

/** Reports a consumer group's lag on every metrics collection (Prometheus scrape). */
export function watchConsumerLag(kafka: Kafka, groupId: string, topics: string[]): () => Promise<void> {
  const entry = { groupId, topics, admin: kafka.admin() };
  watched.push(entry);
  return async () => {
    watched.splice(watched.indexOf(entry), 1);
    await entry.admin.disconnect().catch(() => undefined);
  };
}

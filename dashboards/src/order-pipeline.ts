import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { activeFaultsAnnotation } from './annotations';
import { finish, hoptraceDashboard } from './hoptrace-dashboard';
import { timeseries } from './panels';
import { scope } from './variables';

/* The business view of the order flow: orders in and out, then the asynchronous parts in between. */
const perMinute = (selector: string, by = '') => `60 * sum${by ? ` by (${by})` : ''} (rate(${selector}[$__rate_interval]))`;
const orderQuantile = (q: number) =>
  `histogram_quantile(${q}, sum by (le) (rate(hoptrace_order_duration_seconds_bucket{${scope}}[$__rate_interval])))`;
const group = 'messaging_consumer_group_name';
const topic = 'messaging_destination_name';
const partition = 'messaging_destination_partition_id';

export function orderPipeline(): Dashboard {
  return finish(
    hoptraceDashboard({
      uid: 'hoptrace-order-pipeline',
      title: 'hoptrace / Order pipeline',
      description: 'Orders placed, completed and failed, and the outbox and Kafka stages between them.',
      serviceSource: 'target_info',
    })
      .annotation(activeFaultsAnnotation())
      .withRow(new RowBuilder('Orders'))
      .withPanel(
        timeseries({
          title: 'Orders per minute',
          description:
            'Placed: accepted with stock reserved and payment captured (orders service). Completed: the customer ' +
            'was notified, the end of the pipeline. A completed line below the placed one means orders are piling up.',
          unit: units.CountsPerMinute,
          min: 0,
          queries: [
            { expr: perMinute(`hoptrace_orders_placed_total{${scope}}`), legend: 'placed' },
            { expr: perMinute(`hoptrace_orders_completed_total{${scope}}`), legend: 'completed' },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Failed orders per minute by reason',
          description:
            'Orders that failed, stacked by reason: payment_declined, stock_unavailable, invalid_order, ' +
            'dependency_unavailable (a service or Kafka was down) and dead_letter (an event ended in a DLQ).',
          unit: units.CountsPerMinute,
          min: 0,
          stacked: true,
          queries: [{ expr: perMinute(`hoptrace_orders_failed_total{${scope}}`, 'reason'), legend: '{{reason}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'End-to-end order latency',
          description:
            'Time from an order being placed to it being completed (customer notified), across the outbox, ' +
            'Kafka, fulfillment and notifications; p50 and p95 of the orders completed in each interval.',
          unit: units.Seconds,
          width: 24,
          min: 0,
          queries: [
            { expr: orderQuantile(0.5), legend: 'p50' },
            { expr: orderQuantile(0.95), legend: 'p95' },
          ],
        }),
      )
      .withRow(new RowBuilder('Outbox and Kafka'))
      .withPanel(
        timeseries({
          title: 'Outbox rows pending',
          description:
            'Rows in the orders outbox not yet acknowledged by Kafka. Every orders instance reads the same table, ' +
            'so this is the max over instances, not the sum. It should drain to 0 within seconds.',
          unit: units.Short,
          min: 0,
          queries: [{ expr: `max by (service_name) (hoptrace_outbox_pending{${scope}})`, legend: '{{service_name}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Oldest pending outbox row age',
          description:
            'Age of the oldest unsent outbox row (0 when the outbox is empty). A growing age means the relay ' +
            'cannot publish to Kafka: events are delayed, not lost.',
          unit: units.Seconds,
          min: 0,
          queries: [{ expr: `max by (service_name) (hoptrace_outbox_oldest_age_seconds{${scope}})`, legend: '{{service_name}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Kafka consumer lag by group and topic',
          description:
            'Messages produced but not yet committed by each consumer group, summed over partitions. Every ' +
            'instance of a group reports the lag of all its partitions, so each partition is counted once (max over instances).',
          unit: units.Short,
          min: 0,
          queries: [
            {
              expr: `sum by (${group}, ${topic}) (max by (${group}, ${topic}, ${partition}) (hoptrace_kafka_consumer_lag{${scope}}))`,
              legend: `{{${group}}} ← {{${topic}}}`,
            },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Dead-lettered messages per minute',
          description:
            'Messages a consumer gave up on after its retries and sent to a dead-letter topic, by DLQ topic ' +
            'and consumer group. Anything above 0 is an order that needs a look.',
          unit: units.MessagesPerMinute,
          min: 0,
          queries: [
            {
              expr: perMinute(`hoptrace_dlq_messages_total{${scope}}`, `${topic}, ${group}`),
              legend: `{{${group}}} → {{${topic}}}`,
            },
          ],
        }),
      ),
  );
}

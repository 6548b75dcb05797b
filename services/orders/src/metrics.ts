import { metrics } from '@opentelemetry/api';
import type { OrdersStore } from './store';

const meter = metrics.getMeter('hoptrace.orders');
// Instrument names carry the unit (`.seconds`) because this Prometheus exporter does not append
// unit suffixes, and Prometheus naming wants `_seconds` on the series.

/** Failure reasons as a metric label: a handful of values, never free text. */
export type FailureKind = 'payment_declined' | 'stock_unavailable' | 'invalid_order' | 'dependency_unavailable' | 'dead_letter';

export function failureKind(status: number | undefined): FailureKind {
  if (status === 402) return 'payment_declined';
  if (status === 409) return 'stock_unavailable';
  if (status === 400 || status === 422) return 'invalid_order';
  return 'dependency_unavailable';
}

export interface OrderMetrics {
  placed(): void;
  failed(kind: FailureKind): void;
  completed(ageSeconds: number): void;
}

/** Orders placed, failed by reason, completed, and how long placed → completed took. */
export function createOrderMetrics(): OrderMetrics {
  const placed = meter.createCounter('hoptrace.orders.placed', {
    unit: '{order}',
    description: 'orders accepted (stock reserved, payment captured)',
  });
  const failed = meter.createCounter('hoptrace.orders.failed', { unit: '{order}', description: 'orders that failed, by reason' });
  const completed = meter.createCounter('hoptrace.orders.completed', {
    unit: '{order}',
    description: 'orders whose customer was notified',
  });
  const duration = meter.createHistogram('hoptrace.order.duration.seconds', {
    unit: 's',
    description: 'time from order placed to completed',
    advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] },
  });
  return {
    placed: () => placed.add(1),
    failed: (reason) => failed.add(1, { reason }),
    completed: (ageSeconds) => {
      completed.add(1);
      duration.record(ageSeconds);
    },
  };
}

/** Rows waiting in the outbox and the age of the oldest: a growing age means Kafka is not taking them. */
export function observeOutbox(store: Pick<OrdersStore, 'outboxBacklog'>): void {
  const pending = meter.createObservableGauge('hoptrace.outbox.pending', {
    unit: '{row}',
    description: 'outbox rows not yet acknowledged by Kafka',
  });
  const age = meter.createObservableGauge('hoptrace.outbox.oldest_age.seconds', {
    unit: 's',
    description: 'age of the oldest unsent outbox row',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      const backlog = await store.outboxBacklog().catch(() => undefined);
      if (!backlog) return;
      result.observe(pending, backlog.rows);
      result.observe(age, backlog.oldestAgeSeconds);
    },
    [pending, age],
  );
}

import { metrics, SpanKind, trace, type ObservableResult } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
import type { Logger } from './logger';

const meter = metrics.getMeter('hoptrace.kafka');
const tracer = trace.getTracer('hoptrace.kafka');
const rebalances = meter.createCounter('hoptrace.kafka.consumer.rebalances', {
  unit: '{rebalance}',
  description: 'times this consumer (re)joined its group and was given an assignment',
});
const assignedGauge = meter.createObservableGauge('hoptrace.kafka.consumer.assigned.partitions', {
  unit: '{partition}',
  description: 'partitions of a topic assigned to this consumer instance',
});
const held: RebalanceTelemetry[] = [];
assignedGauge.addCallback((result: ObservableResult) => {
  for (const r of held) r.observe(result);
});

/** `topic/partition` for every partition of an assignment, sorted. */
export function assignmentList(assignment: Record<string, number[]>): string[] {
  return Object.entries(assignment)
    .flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`))
    .sort();
}

/** What a rebalance changed for this member: what it holds now, gained and gave up. */
export function assignmentChange(before: string[], after: string[]): { assigned: string[]; added: string[]; revoked: string[] } {
  return {
    assigned: after,
    added: after.filter((p) => !before.includes(p)),
    revoked: before.filter((p) => !after.includes(p)),
  };
}

/**
 * A rebalance as the consumer sees it (kafkajs' GROUP_JOIN, after every join of the group):
 * a span `rebalance <group>` of its own (no order's trace: it belongs to no request), lasting as
 * long as the join did, with the partitions revoked and assigned as attributes and span events;
 * the rebalance counter; and the partitions held, per topic, as a gauge. The service.instance.id
 * of the resource tells which replica it was.
 */
export class RebalanceTelemetry {
  private partitions: string[] = [];

  constructor(
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {
    held.push(this);
  }

  watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.joined(payload.memberAssignment, payload.duration, payload.memberId));
  }

  joined(assignment: Record<string, number[]>, durationMs: number, memberId: string): void {
    const change = assignmentChange(this.partitions, assignmentList(assignment));
    this.partitions = change.assigned;
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': this.groupId,
      'hoptrace.kafka.member.id': memberId,
      'hoptrace.kafka.partitions.assigned': change.assigned,
      'hoptrace.kafka.partitions.added': change.added,
      'hoptrace.kafka.partitions.revoked': change.revoked,
    };
    const span = tracer.startSpan(`rebalance ${this.groupId}`, {
      root: true,
      kind: SpanKind.INTERNAL,
      startTime: Date.now() - durationMs,
      attributes,
    });
    span.addEvent('partitions revoked', { 'hoptrace.kafka.partitions': change.revoked });
    span.addEvent('partitions assigned', { 'hoptrace.kafka.partitions': change.added });
    span.end();
    rebalances.add(1, { 'messaging.consumer.group.name': this.groupId });
    this.logger.info(
      {
        groupId: this.groupId,
        assigned: change.assigned.length,
        added: change.added,
        revoked: change.revoked,
        durationMs,
      },
      'consumer group rebalanced',
    );
  }

  observe(result: ObservableResult): void {
    const byTopic = new Map<string, number>();
    for (const p of this.partitions) {
      const topic = p.slice(0, p.lastIndexOf('/'));
      byTopic.set(topic, (byTopic.get(topic) ?? 0) + 1);
    }
    for (const [topic, count] of byTopic)
      result.observe(count, { 'messaging.consumer.group.name': this.groupId, 'messaging.destination.name': topic });
  }

  /** The consumer left its group: it holds nothing (until it joins again). */
  left(): void {
    this.partitions = [];
  }
}

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '@hoptrace/traces';
import { resolvePaths } from '../../infra/native/src/paths';
import { hostPort, project, prometheusUrl, stackStatus } from './stack';

/**
 * The Kafka cluster of the cluster profile as the drills see it: its brokers and their node ids
 * (from docker-compose.yml), the KRaft quorum's leader (kafka-metadata-quorum, the tool Kafka
 * ships, run from the jars the runner cached), and the Prometheus series the drills end on.
 */

const run = promisify(execFile);
const paths = resolvePaths();

export interface Broker {
  name: string;
  nodeId: number;
  bootstrap: string;
}

export const brokers: Broker[] = project.services
  .filter((s) => s.native?.kind === 'kafka')
  .map((s) => ({
    name: s.name,
    nodeId: Number(s.environment.KAFKA_NODE_ID),
    bootstrap: hostPort(s.name, 9092),
  }));

export const brokerOfNode = (nodeId: number): Broker => {
  const broker = brokers.find((b) => b.nodeId === nodeId);
  if (!broker) throw new Error(`no broker has node id ${nodeId} (brokers: ${brokers.map((b) => `${b.name}=${b.nodeId}`).join(', ')})`);
  return broker;
};

const toolsClasspath = () => {
  const version = String(project.services.find((s) => s.native?.kind === 'kafka')?.native?.version);
  return `${join(paths.cache, 'kafka-tools', version, 'libs')}/*`;
};

/**
 * The node id of the KRaft quorum's leader (the active controller), as `kafka-metadata-quorum
 * describe --status` reports it, asked through the brokers that are running.
 */
export async function quorumLeader(): Promise<number> {
  const running = new Set((await stackStatus()).filter((s) => s.state === 'ready').map((s) => s.name));
  const bootstrap = brokers
    .filter((b) => running.has(b.name))
    .map((b) => b.bootstrap)
    .join(',');
  const { stdout } = await run(
    'java',
    [
      '-Xmx64m',
      '-cp',
      toolsClasspath(),
      'org.apache.kafka.tools.MetadataQuorumCommand',
      '--bootstrap-server',
      bootstrap,
      'describe',
      '--status',
    ],
    { timeout: 60_000 },
  );
  const id = /^LeaderId:\s+(\d+)/m.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`kafka-metadata-quorum named no leader:\n${stdout}`);
  return Number(id);
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

/** An instant query: each series' labels and value. */
export async function promQuery(expr: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
  const body = (await res.json()) as { status: string; data: { result: Vector }; error?: string };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

export interface ClusterHealth {
  /** Under-replicated partitions as each broker reports them (its JMX exporter, scraped). */
  underReplicated: Record<string, number>;
  /** The highest consumer lag over every group, topic and partition. */
  maxLag: number;
  groupsReporting: number;
}

export async function clusterHealth(): Promise<ClusterHealth> {
  const urp = await promQuery('max by (instance) (kafka_server_replicamanager_underreplicatedpartitions{job="kafka"})');
  const lag = await promQuery('max by (messaging_consumer_group_name) (hoptrace_kafka_consumer_lag)');
  return {
    underReplicated: Object.fromEntries(urp.map((s) => [s.labels.instance!, s.value])),
    maxLag: Math.max(0, ...lag.map((s) => s.value)),
    groupsReporting: lag.length,
  };
}

/**
 * Waits until every broker reports no under-replicated partition (all of them scraped: a broker
 * that is down has no series) and every consumer group's lag is 0. Returns the last reading and
 * how long it took.
 */
export async function waitForClusterHealthy(timeoutMs: number): Promise<{ health: ClusterHealth; ok: boolean; ms: number }> {
  const started = Date.now();
  const { value, done } = await pollUntil(
    clusterHealth,
    (h) =>
      Object.keys(h.underReplicated).length === brokers.length &&
      Object.values(h.underReplicated).every((v) => v === 0) &&
      h.groupsReporting > 0 &&
      h.maxLag === 0,
    { timeoutMs, intervalMs: 1000 },
  );
  return { health: value, ok: done, ms: Date.now() - started };
}

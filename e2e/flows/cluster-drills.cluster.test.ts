import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test, type TestContext } from 'node:test';
import { Services, Topics } from '@hoptrace/contracts';
import type { Finding, JaegerTrace } from '@hoptrace/traces';
import { resolvePaths } from '../../infra/native/src/paths';
import { brokerOfNode, brokers, quorumLeader, waitForClusterHealthy } from '../support/cluster';
import { auditSpans } from '../../scripts/load/spans';
import { describeCost, runDrill, type DrillResult } from '../support/drill';
import { lostWithKilledProcess, type Killed } from '../support/lost-spans';
import { hostPort, project, stack } from '../support/stack';
import { auditTraces, describeFindings } from '../support/trace-audit';
import { jaeger } from '../support/traces';

// The cluster profile's failure drills (npm test runs them on a fresh `npm start -- --profile
// cluster` after the default suite): under an open-model load of 20 orders/s, a broker, then the
// controller leader, then fulfillment-2 is killed with SIGKILL and brought back. Each ends with
// every accepted order completed once (the data: one shipment, one notification), every order's
// trace whole and clean, the consumer lag and the under-replicated partitions back to 0.

const RATE = 20;
const LOAD_MS = 45_000;
const KILL_AT = 10_000;
const BACK_AT = 25_000;
const results: Record<string, DrillResult & { extra?: Record<string, unknown> }> = {};

before(() => {
  assert.ok(
    project.profiles.includes('cluster'),
    `these drills need the cluster profile (the stack runs ${project.profiles.join(', ') || 'no profile'})`,
  );
  assert.equal(brokers.length, 3, 'three brokers');
});

// Each drill starts from a whole cluster: every broker scraped with nothing under-replicated,
// every consumer group caught up (the one before may have left a broker catching up).
beforeEach(async () => {
  const healthy = await waitForClusterHealthy(180_000);
  assert.ok(healthy.ok, `the cluster was not whole before the drill: ${JSON.stringify(healthy.health)}`);
});

after(() => {
  const dir = join(resolvePaths().state, 'test-reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'cluster-drills.json'),
    `${JSON.stringify(
      Object.fromEntries(
        Object.entries(results).map(([name, r]) => [
          name,
          {
            steps: r.steps,
            post: r.post,
            completion: r.completion,
            memory: r.memory,
            orders: r.report.orders,
            invariants: r.report.invariants,
            ...r.extra,
          },
        ]),
      ),
      null,
      2,
    )}\n`,
  );
});

/**
 * What every drill ends with, whatever it broke. A killed app service takes its unexported spans
 * with it: `killed` names it, and only the findings that loss explains are excused (lost-spans.ts).
 */
async function assertNothingLostOrDoubled(t: TestContext, name: string, result: DrillResult, killed?: Killed): Promise<void> {
  results[name] = result;
  for (const line of describeCost(result)) t.diagnostic(line);
  const { orders, invariants, placed } = result.report;
  t.diagnostic(
    `orders: ${orders.accepted} accepted, ${orders.rejected} rejected, ${orders.completed} completed, ${orders.failed} failed, ${orders.unsettled} unsettled`,
  );
  assert.ok(orders.accepted >= ((RATE * LOAD_MS) / 1000) * 0.9, `the load placed its orders (${orders.accepted})`);
  assert.equal(orders.rejected, 0, 'no order refused');
  assert.equal(orders.completed, orders.accepted, 'every accepted order completed');
  const { findings } = await auditTraces(
    placed.map((o) => o.traceId),
    killed ? 30_000 : 120_000,
  );
  // The load's span count per order, read again for the traces it found short: on a loaded machine
  // the collector can take longer than the load's 30 s to store a batch, and late is not lost.
  const spans = result.report.spans;
  const missing = spans?.missing.length
    ? (
        await auditSpans(
          jaeger,
          spans.missing.map((m) => m.traceId),
          spans.expected,
          60_000,
        )
      ).missing
    : [];
  if (spans?.missing.length)
    t.diagnostic(`${spans.missing.length} traces short of spans at the load's deadline, ${missing.length} still short a minute later`);
  // A trace short of the killed service's spans (the load's span check) is the same loss.
  const short = missing
    .filter((m) => killed && Object.keys(m.missing).every((s) => s === killed.service))
    .map((m): Finding => ({
      check: 'missing-service',
      traceId: m.traceId,
      service: killed!.service,
      message: `short of ${JSON.stringify(m.missing)}`,
    }));
  const excused = killed ? await lostWithKilledProcess(killed, [...findings, ...short], placed) : new Set<string>();
  if (killed)
    t.diagnostic(
      `${excused.size} of ${placed.length} orders lost spans with the killed ${killed.service} (its unexported batch); every other trace is clean`,
    );
  results[name]!.extra = { ...results[name]!.extra, tracesWithSpansLostInTheKill: excused.size };
  const spanCheck = missing.every((m) => excused.has(m.traceId));
  const broken = invariants.filter((i) => !i.ok && !(spanCheck && i.name.startsWith("every completed order's trace holds")));
  assert.deepEqual(broken, [], broken.map((i) => `${i.name}: ${i.detail}`).join('\n'));
  const rest = findings.filter((f) => !excused.has(f.traceId));
  assert.deepEqual(rest, [], describeFindings(rest));
  const healthy = await waitForClusterHealthy(180_000);
  t.diagnostic(`under-replicated partitions and consumer lag back to 0 ${(healthy.ms / 1000).toFixed(1)} s after the orders settled`);
  assert.ok(healthy.ok, `the cluster did not settle: ${JSON.stringify(healthy.health)}`);
}

test(
  'drill 1: a broker killed with SIGKILL under 20 orders/s and started again loses and doubles nothing',
  { timeout: 600_000 },
  async (t) => {
    const leader = await quorumLeader();
    // Any broker but the quorum's leader (drill 2 takes that one).
    const victim = brokers.find((b) => b.nodeId !== leader)!;
    t.diagnostic(`killing ${victim.name} (node ${victim.nodeId}); the quorum leader is node ${leader}`);
    const result = await runDrill({
      ratePerSecond: RATE,
      durationMs: LOAD_MS,
      steps: [
        { atMs: KILL_AT, what: `kill ${victim.name}`, run: () => stack('kill', victim.name) },
        { atMs: BACK_AT, what: `start ${victim.name}`, run: () => stack('start', victim.name) },
      ],
    });
    await assertNothingLostOrDoubled(t, 'broker', result);
  },
);

test(
  'drill 2: the KRaft controller leader killed with SIGKILL under load: a new leader is elected, and nothing is lost or doubled',
  { timeout: 600_000 },
  async (t) => {
    const before = await quorumLeader();
    const victim = brokerOfNode(before);
    let after: number | undefined;
    let electedMs: number | undefined;
    const result = await runDrill({
      ratePerSecond: RATE,
      durationMs: LOAD_MS,
      steps: [
        {
          atMs: KILL_AT,
          what: `kill the quorum leader ${victim.name}`,
          run: async () => {
            await stack('kill', victim.name);
            const killed = Date.now();
            // The quorum (two of three voters left) elects a new leader; asked until it names one.
            for (;;) {
              after = await quorumLeader().catch(() => undefined);
              if (after !== undefined && after !== before) break;
              assert.ok(Date.now() - killed < 60_000, 'no new quorum leader within 60 s');
            }
            electedMs = Date.now() - killed;
          },
        },
        { atMs: BACK_AT, what: `start ${victim.name}`, run: () => stack('start', victim.name) },
      ],
    });
    t.diagnostic(
      `quorum leader: node ${before} (${victim.name}) killed; node ${after} (${brokerOfNode(after!).name}) led ${((electedMs ?? NaN) / 1000).toFixed(1)} s later`,
    );
    assert.notEqual(after, before);
    await assertNothingLostOrDoubled(t, 'controller-leader', result);
    results['controller-leader']!.extra = { ...results['controller-leader']!.extra, leaderBefore: before, leaderAfter: after, electedMs };
  },
);

/** The service.instance.id a running service reports in its resource (target_info on /metrics). */
async function instanceIdOf(service: string): Promise<string> {
  const port = Number(project.services.find((s) => s.name === service)!.environment.OTEL_EXPORTER_PROMETHEUS_PORT);
  const text = await (await fetch(`http://${hostPort(service, port)}/metrics`)).text();
  const id = /^target_info\{[^}]*service_instance_id="([^"]+)"/m.exec(text)?.[1];
  assert.ok(id, `${service} reports no service_instance_id`);
  return id;
}

/** fulfillment's `process orders.placed` spans of the given traces: when, by which instance, on which partition. */
async function fulfillmentWork(traceIds: string[]): Promise<{ startMs: number; instance: string; partition: unknown; group: unknown }[]> {
  const work = [];
  for (const id of traceIds) {
    const raw: JaegerTrace | undefined = await jaeger.getTrace(id);
    for (const span of raw?.spans ?? []) {
      const process = raw!.processes[span.processID];
      if (process?.serviceName !== Services.fulfillment.name || span.operationName !== `process ${Topics.orderPlaced}`) continue;
      const tag = (key: string, tags = span.tags) => tags?.find((x) => x.key === key)?.value;
      work.push({
        startMs: span.startTime / 1000,
        instance: String(tag('service.instance.id', process.tags)),
        partition: tag('messaging.destination.partition.id'),
        group: tag('messaging.consumer.group.name'),
      });
    }
  }
  return work;
}

test(
  'drill 3: fulfillment-2 killed with SIGKILL under load and restarted: its partitions move, the work goes on, nothing lost or doubled',
  { timeout: 600_000 },
  async (t) => {
    const replica = 'fulfillment-2';
    const first = await instanceIdOf(Services.fulfillment.name);
    const killed = await instanceIdOf(replica);
    let restarted = '';
    const result = await runDrill({
      ratePerSecond: RATE,
      durationMs: LOAD_MS,
      steps: [
        { atMs: KILL_AT, what: `kill ${replica}`, run: () => stack('kill', replica) },
        {
          atMs: BACK_AT,
          what: `start ${replica}`,
          run: async () => {
            await stack('start', replica);
            restarted = await instanceIdOf(replica);
          },
        },
      ],
    });
    const [kill, back] = result.steps;
    await assertNothingLostOrDoubled(t, 'fulfillment-2', result, {
      service: Services.fulfillment.name,
      instance: killed,
      calls: [Services.inventory.name],
      consumes: Topics.orderPlaced,
      killedAt: kill!.startedAt,
    });

    // Who did the work: both replicas before, the survivor alone once the group noticed, the new
    // fulfillment-2 again after its restart; each span names its partition and group.
    const work = await fulfillmentWork(result.report.placed.map((o) => o.traceId));
    const by = (from: number, to: number) => new Set(work.filter((w) => w.startMs >= from && w.startMs < to).map((w) => w.instance));
    t.diagnostic(`instances: fulfillment ${first}, fulfillment-2 ${killed}, restarted as ${restarted}`);
    assert.deepEqual([...by(0, kill!.startedAt)].sort(), [first, killed].sort(), 'both replicas worked before the kill');
    assert.ok(!by(kill!.startedAt + 1000, Infinity).has(killed), 'the killed instance did nothing after it was killed');
    assert.ok(by(back!.doneAt, Infinity).has(restarted), 'the restarted fulfillment-2 took work again');
    assert.ok(
      work.every((w) => w.group === Services.fulfillment.name && w.partition !== undefined),
      'every process span names its partition and consumer group',
    );

    // The rebalances, from the consumers' own telemetry: the survivor gained partitions after the kill.
    const rebalances = (
      await jaeger.findTraces({
        service: Services.fulfillment.name,
        operation: `rebalance ${Services.fulfillment.name}`,
        startUs: kill!.startedAt * 1000,
        endUs: Date.now() * 1000,
        limit: 50,
      })
    ).flatMap((raw) =>
      raw.spans.map((s) => ({
        instance: String(raw.processes[s.processID]?.tags?.find((x) => x.key === 'service.instance.id')?.value),
        added: String(s.tags?.find((x) => x.key === 'hoptrace.kafka.partitions.added')?.value ?? ''),
        revoked: String(s.tags?.find((x) => x.key === 'hoptrace.kafka.partitions.revoked')?.value ?? ''),
      })),
    );
    t.diagnostic(`rebalances after the kill: ${rebalances.map((r) => `${r.instance.slice(0, 8)} +${r.added} -${r.revoked}`).join('; ')}`);
    assert.ok(
      rebalances.some((r) => r.instance === first && r.added.includes(Topics.orderPlaced)),
      "the survivor was assigned the killed replica's partitions",
    );
    assert.ok(
      rebalances.some((r) => r.instance === first && r.revoked.includes(Topics.orderPlaced)),
      'and gave some back when fulfillment-2 returned',
    );
    results['fulfillment-2']!.extra = { ...results['fulfillment-2']!.extra, rebalances };
  },
);

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AddressMap } from '../src/addresses';
import { activeServices, ComposeError, parseCompose } from '../src/compose';
import { nativeKafkaOpts, nativeListeners } from '../src/components/kafka';
import { nativePrometheusConfig } from '../src/components/prometheus';
import { resolvePaths } from '../src/paths';
import { loadProject, profilesFrom, projectEnv } from '../src/project';

const compose = parseCompose(
  `
services:
  kafka:
    image: apache/kafka:4.1.1
    environment:
      KAFKA_CONTROLLER_QUORUM_VOTERS: \${VOTERS:-1@kafka:9093}
  kafka-2:
    image: apache/kafka:4.1.1
    profiles: [cluster]
    x-native: { kind: kafka, ports: { "9092": 19092, "9093": 19093 } }
  orders:
    image: app
    ports: ["8081:8081"]
    depends_on:
      kafka: { condition: service_healthy }
      kafka-2: { condition: service_healthy, required: false }
  orders-2:
    image: app
    profiles: [cluster]
    x-native: { kind: node, ports: { "8081": 8091 } }
  debugger:
    image: tool
    profiles: [debug]
    depends_on: [orders-2]
`,
  '/repo',
  {},
);
const names = (profiles: string[]) =>
  activeServices(
    compose.services.filter((s) => s.name !== 'debugger'),
    profiles,
  ).map((s) => s.name);

test('a service without profiles always runs; a profiled one only when its profile is active', () => {
  assert.deepEqual(names([]), ['kafka', 'orders']);
  assert.deepEqual(names(['cluster']), ['kafka', 'kafka-2', 'orders', 'orders-2']);
  assert.deepEqual(names(['*']), ['kafka', 'kafka-2', 'orders', 'orders-2']);
});

test('a required dependency on a disabled service is an error; an optional one is dropped, or kept when it runs', () => {
  assert.throws(
    () => activeServices(compose.services, ['debug']),
    (err: Error) =>
      err instanceof ComposeError && /debugger\.depends_on names orders-2, which runs only with profile cluster/.test(err.message),
  );
  const orders = (profiles: string[]) =>
    activeServices(
      compose.services.filter((s) => s.name !== 'debugger'),
      profiles,
    ).find((s) => s.name === 'orders')!;
  assert.deepEqual(orders([]).dependsOn, ['kafka']);
  assert.deepEqual(orders(['cluster']).dependsOn, ['kafka', 'kafka-2']);
});

test('profiles come from --profile flags, else COMPOSE_PROFILES, and must be profile names', () => {
  assert.deepEqual(profilesFrom(['cluster'], { COMPOSE_PROFILES: 'debug' }), ['cluster']);
  assert.deepEqual(profilesFrom([], { COMPOSE_PROFILES: 'cluster, debug' }), ['cluster', 'debug']);
  assert.deepEqual(profilesFrom([], {}), []);
  assert.throws(() => profilesFrom(['no good'], {}), ComposeError);
});

test("a profile's env file sets the interpolation variables under the real environment, which wins", () => {
  const root = mkdtempSync(join(tmpdir(), 'hoptrace-profiles-'));
  writeFileSync(join(root, 'cluster.env'), 'COMPOSE_PROFILES=cluster\nVOTERS=1@kafka:9093,2@kafka-2:9093\nSIZE=6\n');
  const paths = { ...resolvePaths({}), root, compose: join(root, 'docker-compose.yml') };
  const env = projectEnv(paths, ['cluster'], { SIZE: '9' });
  assert.deepEqual([env.VOTERS, env.SIZE, env.COMPOSE_PROFILES], ['1@kafka:9093,2@kafka-2:9093', '9', 'cluster']);
  assert.equal(projectEnv(paths, [], {}).VOTERS, undefined, 'no profile, no file');
});

test('the repository: the cluster profile adds two brokers and three second instances, and names an unknown profile', () => {
  const paths = resolvePaths({});
  const base = loadProject(paths, [], {}).services.map((s) => s.name);
  const cluster = loadProject(paths, ['cluster'], {});
  assert.deepEqual(
    cluster.services
      .map((s) => s.name)
      .filter((n) => !base.includes(n))
      .sort(),
    ['fulfillment-2', 'kafka-2', 'kafka-3', 'notifications-2', 'orders-2'],
  );
  assert.equal(
    cluster.services.find((s) => s.name === 'kafka')!.environment.KAFKA_CONTROLLER_QUORUM_VOTERS,
    '1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093',
  );
  assert.throws(() => loadProject(paths, ['clustr'], {}), /no service in docker-compose.yml has profile clustr/);
});

test('x-native ports give services that share a container port distinct native ones', () => {
  const map = new AddressMap(compose.services);
  assert.equal(map.map('kafka:9092,kafka-2:9092'), '127.0.0.1:9092,127.0.0.1:19092');
  assert.equal(map.map('1@kafka:9093,2@kafka-2:9093'), '1@127.0.0.1:9093,2@127.0.0.1:19093');
  assert.equal(map.map('http://orders:8081,http://orders-2:8081'), 'http://127.0.0.1:8081,http://127.0.0.1:8091');
  assert.equal(map.map('http://localhost:8081/readyz', 'orders-2'), 'http://localhost:8091/readyz');
});

test("a broker's listeners and JMX agent are moved to its native ports and files", () => {
  const port = (p: number) => (({ 9092: 19092, 9093: 19093, 7071: 17071 }) as Record<number, number>)[p] ?? p;
  assert.equal(
    nativeListeners('PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:9094', port),
    'PLAINTEXT://:19092,CONTROLLER://:19093,EXTERNAL://:9094',
  );
  assert.deepEqual(
    nativeKafkaOpts(
      ['-Dx=1', '-javaagent:/opt/jmx/agent.jar=7071:/etc/kafka/rules.yml'],
      '/cache/agent-1.0.1.jar',
      port,
      (p) => `/repo${p}`,
    ),
    ['-Dx=1', '-javaagent:/cache/agent-1.0.1.jar=17071:/repo/etc/kafka/rules.yml'],
  );
  assert.throws(() => nativeKafkaOpts(['-javaagent:/a.jar=7071:/r.yml'], undefined, port, (p) => p), /x-native\.jmx_exporter/);
});

test('natively, scrape targets of services that do not run are left out, and empty jobs with them', () => {
  const map = new AddressMap(compose.services);
  const out = nativePrometheusConfig(
    `scrape_configs:
  - job_name: kafka
    static_configs:
      - targets: ["kafka:9092"]
      - targets: ["kafka-2:9092"]
  - job_name: cluster-only
    static_configs:
      - targets: ["orders-2:8081"]
`,
    map,
    ['kafka-2', 'orders-2'],
  );
  assert.match(out, /127\.0\.0\.1:9092/);
  assert.doesNotMatch(out, /19092|8091|cluster-only/);
});

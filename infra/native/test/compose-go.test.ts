import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { before, test } from 'node:test';
import { loadCompose } from '../src/compose';
import { ensureComposeCheck, loadWithComposeGo, type ComposeGoReport } from '../src/provision/compose-check';
import { resolvePaths } from '../src/paths';

// docker-compose.yml as Docker Compose itself reads it: compose-go, the loader of Compose v2, in an
// empty environment (infra/compose-check). A newcomer's `docker compose up --build` sets nothing.
const paths = resolvePaths();
let reports: ComposeGoReport[] = [];

type Service = Record<string, unknown> & {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  init?: boolean;
  stop_grace_period?: string;
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
};

before(async () => {
  reports = loadWithComposeGo(await ensureComposeCheck(paths.cache, paths.root), paths.root);
});

/** The services as `docker compose up` resolves them (default profiles). */
function services(): Record<string, Service> {
  const project = reports[0]?.project;
  assert.ok(project, `compose-go did not load the project: ${reports[0]?.error}`);
  return project.services as Record<string, Service>;
}

function appImage(): { builder: string; image: string; apps: [string, Service][] } {
  const all = Object.entries(services());
  const builders = all.filter(([, s]) => s.build);
  assert.equal(
    builders.length,
    1,
    `exactly one service may build (parallel builds of one tag fail on a clean machine): ${builders.map(([n]) => n).join(', ')}`,
  );
  const [builder, built] = builders[0]!;
  assert.ok(built.image, `${builder} must name the image it builds`);
  return { builder, image: built.image, apps: all.filter(([n, s]) => n !== builder && s.image === built.image) };
}

test('compose-go loads docker-compose.yml with no variable set: no error, no warning, with every profile too, and as cluster.env makes it', () => {
  assert.deepEqual(
    reports.map((r) => [r.profiles, r.envFile && relative(paths.root, r.envFile)]),
    [
      [[], undefined],
      [['*'], undefined],
      [['cluster'], 'cluster.env'],
    ],
  );
  for (const r of reports) {
    assert.equal(r.error, undefined, `compose-go (profiles ${JSON.stringify(r.profiles)}): ${r.error}`);
    assert.deepEqual(r.warnings, [], `compose-go warned (profiles ${JSON.stringify(r.profiles)})`);
    assert.ok(r.files.includes(paths.compose), `compose-go loaded ${r.files.join(', ')}`);
  }
});

test('one service builds the app image; the others run it without pulling it and wait for that service', () => {
  const { builder, image, apps } = appImage();
  assert.equal(apps.length, 6, `six app services run ${image}: ${apps.map(([n]) => n).join(', ')}`);
  for (const [name, s] of apps) {
    // Compose would try to pull a missing image unless its pull_policy is never; this one is in no registry.
    assert.equal(s.pull_policy, 'never', `${name} must not pull ${image}`);
    // Depending on the builder makes `docker compose up <name>` build the image too.
    assert.equal(s.depends_on?.[builder]?.condition, 'service_completed_successfully', `${name} must wait for ${builder}`);
  }
});

test('with HOPTRACE_ADMIN_TOKEN unset, every app service gets it empty and reads the token app-init keeps', () => {
  const { builder, apps } = appImage();
  const init = services()[builder]!;
  assert.equal(init.environment?.HOPTRACE_ADMIN_TOKEN, '', 'app-init must see the variable (empty when unset) to let a set one win');
  assert.deepEqual(
    init.volumes?.map((v) => [v.type, v.source, v.target, Boolean(v.read_only)]),
    [['volume', 'admin-token', '/run/hoptrace', false]],
  );
  assert.equal(init.restart, 'no', 'app-init runs once per start');
  for (const [name, s] of apps) {
    assert.equal(s.environment?.HOPTRACE_ADMIN_TOKEN, '', `${name}: an unset HOPTRACE_ADMIN_TOKEN must not stop compose`);
    const mount = s.volumes?.find((v) => v.source === 'admin-token');
    assert.deepEqual(
      mount && [mount.type, mount.target, mount.read_only],
      ['volume', '/run/hoptrace', true],
      `${name} must mount the admin-token volume read-only`,
    );
  }
  assert.equal(services().gateway?.environment?.HOPTRACE_PRINT_ADMIN_TOKEN, 'true', 'the gateway prints a generated token at start');
});

test('app services run under an init and are given longer to stop than runService takes to flush', () => {
  for (const [name, s] of appImage().apps) {
    assert.equal(s.init, true, `${name}: node as PID 1 ignores SIGTERM until its handler is installed`);
    // runService (packages/kit) exits by itself 20 s after SIGTERM at the latest.
    const grace = /^(\d+)s$/.exec(String(s.stop_grace_period))?.[1];
    assert.ok(Number(grace) > 20, `${name}: stop_grace_period ${s.stop_grace_period} must exceed runService's 20 s`);
  }
});

/** The services as `docker compose --env-file cluster.env up` resolves them. */
function clusterServices(): Record<string, Service> {
  const report = reports.find((r) => r.envFile?.endsWith('cluster.env'));
  assert.ok(report?.project, `compose-go did not load the cluster profile: ${report?.error}`);
  return report.project.services as Record<string, Service>;
}

test('without a profile: one broker, one instance of each service, and nothing names the cluster', () => {
  const all = services();
  for (const name of ['kafka-2', 'kafka-3', 'orders-2', 'fulfillment-2', 'notifications-2'])
    assert.equal(all[name], undefined, `${name} runs only with the cluster profile`);
  assert.equal(all.kafka?.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@kafka:9093');
  assert.equal(all.kafka?.environment?.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, '1');
  assert.equal(all.gateway?.environment?.ORDERS_URLS, 'http://orders:8081');
  for (const app of ['orders', 'fulfillment', 'notifications']) {
    assert.equal(all[app]?.environment?.KAFKA_BROKERS, 'kafka:9092', app);
    assert.equal(all[app]?.environment?.KAFKA_TOPIC_REPLICATION_FACTOR, '1', app);
    // Compose starts it without the disabled broker: the dependency is not required.
    assert.equal(
      (all[app]?.depends_on?.['kafka-2'] as { required?: boolean } | undefined)?.required,
      false,
      `${app} must not require kafka-2`,
    );
  }
});

test('cluster.env: three voters, everything replicated three ways, every client on every broker, two orders instances', () => {
  const all = clusterServices();
  const brokers = ['kafka', 'kafka-2', 'kafka-3'];
  for (const [i, name] of brokers.entries()) {
    const env = all[name]?.environment ?? {};
    assert.equal(env.KAFKA_NODE_ID, String(i + 1), name);
    assert.equal(env.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093', name);
    assert.equal(env.CLUSTER_ID, all.kafka?.environment?.CLUSTER_ID, `${name}: one cluster id`);
    for (const key of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR',
    ])
      assert.equal(env[key], '3', `${name} ${key}`);
    for (const key of ['KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', 'KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR', 'KAFKA_MIN_INSYNC_REPLICAS'])
      assert.equal(env[key], '2', `${name} ${key}`);
    assert.equal(all[name]?.image, all.kafka?.image, `${name}: the same pinned image`);
    assert.match(String(env.KAFKA_OPTS), /-javaagent:\S+jmx_prometheus_javaagent\.jar=7071:/, `${name}: the JMX exporter agent`);
  }
  for (const app of ['orders', 'orders-2', 'fulfillment', 'fulfillment-2', 'notifications', 'notifications-2']) {
    const env = all[app]?.environment ?? {};
    assert.equal(env.KAFKA_BROKERS, 'kafka:9092,kafka-2:9092,kafka-3:9092', app);
    assert.deepEqual(
      [env.KAFKA_TOPIC_PARTITIONS, env.KAFKA_TOPIC_REPLICATION_FACTOR, env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS],
      ['6', '3', '2'],
      app,
    );
    assert.equal(env.OTEL_SERVICE_NAME, app.replace(/-2$/, ''), `${app} is an instance of the same service`);
  }
  assert.equal(all.gateway?.environment?.ORDERS_URLS, 'http://orders:8081,http://orders-2:8081');
  assert.equal(all.gateway?.depends_on?.['orders-2']?.condition, 'service_healthy');
});

test('the JMX exporter compose downloads is the version the native runner fetches', () => {
  const fetcher = String((services()['kafka-jmx-exporter']?.command as string[] | undefined)?.join(' '));
  // compose-go drops x- fields from services; the native runner's reading has them.
  const version = loadCompose(paths.compose, paths.root, {}).services.find((s) => s.name === 'kafka')?.native?.jmx_exporter;
  assert.ok(typeof version === 'string', 'kafka names x-native.jmx_exporter');
  assert.ok(
    fetcher.includes(`/jmx_prometheus_javaagent/${version}/jmx_prometheus_javaagent-${version}.jar`),
    `kafka-jmx-exporter fetches ${version}: ${fetcher}`,
  );
  assert.match(fetcher, /sha256sum -c/, 'and checks what it fetched');
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVICE_LIST } from '@hoptrace/contracts';
import { parse } from 'yaml';
import { AddressMap } from '../src/addresses';
import { loadCompose, startOrder } from '../src/compose';
import { COMPOSE_ONLY, NATIVE_KINDS, planNative } from '../src/components';
import { resolvePaths } from '../src/paths';

// The compose file is the topology's single source of truth; these rules keep it one that both
// `docker compose up` and the native runner can honour.
const paths = resolvePaths();
// No variable set, as for a newcomer's `docker compose up`: nothing in the file may require one.
const { services } = loadCompose(paths.compose, paths.root, {});
const raw = parse(readFileSync(paths.compose, 'utf8'), { merge: true }) as {
  services: Record<string, { depends_on?: unknown; restart?: string }>;
};
/** One-shot services (restart: "no") run to completion; the others run until stopped. */
const oneShot = new Set(
  Object.entries(raw.services)
    .filter(([, s]) => s.restart === 'no')
    .map(([name]) => name),
);

test('docker-compose.yml defines the infrastructure the issue names', () => {
  const names = services.map((s) => s.name);
  for (const required of ['kafka', 'jaeger', 'prometheus', 'grafana', 'postgres'])
    assert.ok(names.includes(required), `missing ${required}`);
});

test('every image is pinned to a version, never latest', () => {
  for (const s of services) {
    if (!s.image) {
      assert.ok(s.build, `${s.name} has neither image nor build`);
      continue;
    }
    const tag = s.image.includes('@sha256:') ? 'digest' : s.image.split('/').pop()!.split(':')[1];
    assert.ok(tag, `${s.name}: image ${s.image} has no tag`);
    assert.notEqual(tag, 'latest', `${s.name}: image ${s.image} is not pinned`);
  }
});

test('every long-running service has a healthcheck', () => {
  for (const s of services.filter((x) => !oneShot.has(x.name))) assert.ok(s.healthcheck?.length, `${s.name} has no healthcheck`);
});

test('every depends_on waits for health, or for a one-shot service to complete', () => {
  for (const [name, s] of Object.entries(raw.services)) {
    if (!s.depends_on) continue;
    assert.ok(!Array.isArray(s.depends_on), `${name}.depends_on must use conditions, not a list`);
    for (const [dep, cond] of Object.entries(s.depends_on as Record<string, { condition?: string }>)) {
      const expected = oneShot.has(dep) ? 'service_completed_successfully' : 'service_healthy';
      assert.equal(cond.condition, expected, `${name} depends on ${dep} without condition: ${expected}`);
    }
  }
});

test('the native runner runs every compose service or names it as compose-only with a reason', () => {
  for (const s of services) {
    const kind = s.native?.kind;
    assert.ok(
      kind && [...NATIVE_KINDS, COMPOSE_ONLY].includes(kind),
      `${s.name}: x-native.kind must be one of ${NATIVE_KINDS.join(', ')}, ${COMPOSE_ONLY}`,
    );
    if (kind === COMPOSE_ONLY) assert.ok(String(s.native?.reason ?? '').length > 10, `${s.name}: say why it is compose-only`);
  }
  const plan = planNative(startOrder(services), paths, new AddressMap(services));
  const covered = [...plan.components.map((c) => c.name), ...plan.composeOnly.map((c) => c.name)].sort();
  assert.deepEqual(covered, services.map((s) => s.name).sort());
  assert.deepEqual(plan.composeOnly.map((c) => c.name).sort(), ['app-init', 'grafana', 'kafka-jmx-exporter']);
});

test('app services run the image the one Dockerfile builds', () => {
  const builders = services.filter((x) => x.build);
  assert.deepEqual(
    builders.map((b) => b.name),
    ['app-init'],
    'one service builds the app image (compose-go.test.ts checks the rest)',
  );
  for (const s of services.filter((x) => x.native?.kind === 'node')) {
    assert.equal(s.image, builders[0]!.image, `${s.name} must run the image built from the repo's Dockerfile`);
  }
});

test('every service of the contracts runs in compose under its own name, on the ports its descriptor gives', () => {
  for (const d of SERVICE_LIST) {
    const s = services.find((c) => c.name === d.name);
    assert.ok(s, `compose has no service ${d.name}`);
    assert.equal(s.environment.OTEL_SERVICE_NAME, d.name, `${d.name}: OTEL_SERVICE_NAME`);
    assert.equal(s.environment.PORT, String(d.port), `${d.name}: PORT`);
    assert.equal(s.environment.OTEL_EXPORTER_PROMETHEUS_PORT, String(d.metricsPort), `${d.name}: OTEL_EXPORTER_PROMETHEUS_PORT`);
    // A gRPC port is served, published as itself, and health-checked over gRPC (the native runner runs that check too).
    assert.equal(s.environment.GRPC_PORT, d.grpcPort === undefined ? undefined : String(d.grpcPort), `${d.name}: GRPC_PORT`);
    if (d.grpcPort !== undefined) {
      assert.ok(
        s.ports.some((p) => p.host === d.grpcPort && p.container === d.grpcPort),
        `${d.name}: publishes ${d.grpcPort}`,
      );
      assert.ok(
        s.healthcheck?.includes(`grpc://localhost:${d.grpcPort}`),
        `${d.name}: its healthcheck checks grpc://localhost:${d.grpcPort}`,
      );
    }
  }
});

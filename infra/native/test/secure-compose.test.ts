import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { activeServices, loadCompose, parseCompose } from '../src/compose';
import { mergeCompose } from '../src/compose-merge';
import { composeFiles, resolvePaths } from '../src/paths';
import { ensureComposeCheck, loadWithComposeGo, type ComposeGoReport } from '../src/provision/compose-check';

// Secure mode is docker-compose.secure.yml merged onto docker-compose.yml. Compose itself
// (compose-go, in an empty environment) must load the pair, and the native runner's merge must
// give what Compose gives, for every service.
const paths = resolvePaths();
const files = composeFiles(paths, true);
let reports: ComposeGoReport[] = [];

before(async () => {
  reports = loadWithComposeGo(await ensureComposeCheck(paths.cache, paths.root), paths.root, files);
});

test('compose-go loads docker-compose.yml with docker-compose.secure.yml, with no variable set: no error, no warning', () => {
  // The default profiles, every profile, and each `<profile>.env` as its --env-file (cluster.env).
  assert.deepEqual(
    reports.map((r) => r.profiles),
    [[], ['*'], ['cluster']],
  );
  for (const r of reports) {
    assert.equal(r.error, undefined, `compose-go (profiles ${JSON.stringify(r.profiles)}): ${r.error}`);
    assert.deepEqual(r.warnings, [], 'compose-go warned');
    assert.deepEqual(
      r.files.map((f) => f.split('/').at(-1)),
      ['docker-compose.yml', 'docker-compose.secure.yml'],
    );
  }
});

type GoService = {
  environment?: Record<string, string | null>;
  ports?: { target: number; published: string }[];
  command?: string[] | null;
  volumes?: { source: string; target: string }[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, unknown>;
};

test("the native runner's merge of the pair gives what Compose gives: environment, ports, command, volumes, health check, dependencies", () => {
  const go = reports[0]!.project!.services as Record<string, GoService>;
  // The services `docker compose up` runs: those without a profile (reports[0] loads no profile).
  const all = loadCompose(files, paths.root, {}).services;
  const native = activeServices(all, []);
  assert.deepEqual(native.map((s) => s.name).sort(), Object.keys(go).sort());
  for (const s of all.filter((x) => x.name in go)) {
    const g = go[s.name]!;
    assert.deepEqual(
      s.environment,
      Object.fromEntries(Object.entries(g.environment ?? {}).map(([k, v]) => [k, v ?? ''])),
      `${s.name}.environment`,
    );
    assert.deepEqual(
      s.ports,
      (g.ports ?? []).map((p) => ({ host: Number(p.published), container: p.target })),
      `${s.name}.ports`,
    );
    assert.deepEqual(s.command, g.command ?? [], `${s.name}.command`);
    assert.deepEqual(
      s.mounts.map((m) => m.target),
      (g.volumes ?? []).map((v) => v.target),
      `${s.name}.volumes`,
    );
    assert.deepEqual(s.healthcheck, g.healthcheck?.test, `${s.name}.healthcheck.test`);
    // Compose keeps a `required: false` dependency on a service whose profile is off; it just does not wait for it.
    assert.deepEqual([...s.dependsOn, ...s.optionalDependsOn].sort(), Object.keys(g.depends_on ?? {}).sort(), `${s.name}.depends_on`);
  }
});

test('secure mode changes nothing of the default mode: without the override the topology is as before', () => {
  const alone = loadCompose(paths.compose, paths.root, {});
  assert.ok(!alone.services.some((s) => s.name === 'pki-init'));
  assert.ok(alone.services.every((s) => !('TLS_CA_FILE' in s.environment)));
});

test('the merge rules: mappings and environment per key, command and health check replaced, ports and volumes unique', () => {
  const merged = mergeCompose(
    {
      services: {
        a: {
          command: ['x'],
          environment: ['A=1', 'B=2'],
          ports: ['80:80'],
          volumes: ['v:/data', './c:/conf:ro'],
          dns: ['1.1.1.1'],
          healthcheck: { test: ['CMD', 'old'], interval: '5s' },
        },
      },
    },
    {
      services: {
        a: {
          command: ['y'],
          environment: { B: '3', C: '4' },
          ports: ['80:80', '443:443'],
          volumes: ['w:/data'],
          dns: ['8.8.8.8'],
          healthcheck: { test: ['CMD', 'new'] },
        },
      },
    },
  );
  assert.deepEqual(merged, {
    services: {
      a: {
        command: ['y'],
        environment: { A: '1', B: '3', C: '4' },
        ports: ['80:80', '443:443'],
        volumes: ['w:/data', './c:/conf:ro'],
        dns: ['1.1.1.1', '8.8.8.8'],
        healthcheck: { test: ['CMD', 'new'], interval: '5s' },
      },
    },
  });
  const parsed = parseCompose(
    ['services:\n  a:\n    image: x\n    environment: { A: "1" }\n', 'services:\n  a:\n    environment: { A: "2" }\n  b:\n    image: y\n'],
    '/r',
    {},
  );
  assert.deepEqual(
    parsed.services.map((s) => [s.name, s.image, s.environment]),
    [
      ['a', 'x', { A: '2' }],
      ['b', 'y', {}],
    ],
  );
});

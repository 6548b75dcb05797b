import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * OpenTelemetry JS is one line everywhere (services and storefront): SDK 3.x, experimental 0.300.x.
 * Mixing lines installs two SDKs side by side, and a 2.x package on the 1.10 API fails its peer range.
 */
const root = join(__dirname, '..', '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
};
const otel = Object.entries(lock.packages)
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), ...entry }))
  .filter((p) => p.name.startsWith('@opentelemetry/'));

// Released with the SDK (the opentelemetry-js repository); contrib packages have versions of their own.
const SDK_STABLE = /^@opentelemetry\/(core|resources|sdk-trace|sdk-metrics|sdk-logs|context-async-hooks|propagator-b3|exporter-zipkin)$/;
const SDK_EXPERIMENTAL =
  /^@opentelemetry\/(sdk-node|instrumentation|instrumentation-(http|grpc|fetch)|exporter-.*-otlp-.*|exporter-prometheus|otlp-.*|configuration|api-logs|web-common)$/;

test('every OpenTelemetry SDK package in the lockfile is of the 3.x line, in one version each', () => {
  const versions = new Map<string, Set<string>>();
  for (const p of otel) versions.set(p.name, new Set([...(versions.get(p.name) ?? []), p.version ?? '?']));
  const stray = [...versions].flatMap(([name, set]) =>
    [...set]
      .filter((v) => (SDK_STABLE.test(name) && !v.startsWith('3.')) || (SDK_EXPERIMENTAL.test(name) && !v.startsWith('0.30')))
      .map((v) => `${name}@${v}`),
  );
  assert.deepEqual(stray, []);
  assert.ok(versions.get('@opentelemetry/sdk-node'), 'the lockfile has sdk-node');
  const twice = [...versions]
    .filter(([name, set]) => (SDK_STABLE.test(name) || SDK_EXPERIMENTAL.test(name)) && set.size > 1)
    .map(([name, set]) => `${name}: ${[...set].join(', ')}`);
  assert.deepEqual(twice, []);
});

test('no package of the retired 2.x tracing SDKs is installed, and nothing asks for the 2.x line', () => {
  assert.deepEqual(
    otel.filter((p) => /\/sdk-trace-(base|node|web)$/.test(p.name)).map((p) => `${p.name}@${p.version}`),
    [],
  );
  const asking = otel.flatMap((p) =>
    Object.entries(p.dependencies ?? {})
      .filter(
        ([dep, range]) =>
          (SDK_STABLE.test(dep) && /^[\^~]?2\./.test(range)) || (SDK_EXPERIMENTAL.test(dep) && /^[\^~]?0\.2\d\d\./.test(range)),
      )
      .map(([dep, range]) => `${p.name} → ${dep}@${range}`),
  );
  assert.deepEqual(asking, []);
});

test('the OpenTelemetry API is 1.10, the range the 3.x SDK accepts', () => {
  assert.deepEqual([...new Set(otel.filter((p) => p.name === '@opentelemetry/api').map((p) => p.version))], ['1.10.0']);
});

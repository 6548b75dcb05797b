import assert from 'node:assert/strict';
import { readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AddressMap } from '../src/addresses';
import { callControl, controlSocket } from '../src/control';
import { NODE_PACKAGE, readNodePin } from '../src/node-runtime';
import { resolvePaths } from '../src/paths';
import { loadRunningProject } from '../src/project';
import type { Status } from '../src/supervisor';

// Runs against the native stack that `npm test` starts: what each service process really runs on.
const paths = resolvePaths();
const pin = readNodePin(paths.root);
const { all, services } = loadRunningProject(paths);
const map = new AddressMap(all);
const nodeServices = services.filter((s) => s.command[0] === 'node');

/** The labels of the `target_info` series a service's Prometheus exporter serves: its resource. */
async function targetInfo(port: number): Promise<Record<string, string>> {
  const text = await (await fetch(`http://${map.host}:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('target_info{'));
  assert.ok(line, `:${port}/metrics has a target_info series`);
  return Object.fromEntries([...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
}

test('every service process is the pinned Node binary from node_modules (Linux x64)', async () => {
  const statuses = await callControl<Status[]>(controlSocket(paths), 'GET', '/status');
  const expected =
    process.platform === 'linux' && process.arch === 'x64'
      ? realpathSync(join(paths.root, 'node_modules', NODE_PACKAGE, 'bin', 'node'))
      : realpathSync(process.execPath);
  const running = Object.fromEntries(
    nodeServices.map((s) => {
      const pid = statuses.find((x) => x.name === s.name)?.pid;
      return [s.name, pid ? readlinkSync(`/proc/${pid}/exe`) : 'not running'];
    }),
  );
  assert.equal(nodeServices.length, 6);
  assert.deepEqual(running, Object.fromEntries(nodeServices.map((s) => [s.name, expected])));
});

test('every service reports the pinned Node and OpenTelemetry JS 3 in its resource (target_info)', async () => {
  const reported = Object.fromEntries(
    await Promise.all(
      nodeServices.map(async (s) => {
        const labels = await targetInfo(Number(s.environment.OTEL_EXPORTER_PROMETHEUS_PORT));
        return [
          s.name,
          { service: labels.service_name, node: labels.process_runtime_version, sdkMajor: labels.telemetry_sdk_version?.split('.')[0] },
        ];
      }),
    ),
  );
  assert.deepEqual(reported, Object.fromEntries(nodeServices.map((s) => [s.name, { service: s.name, node: pin.version, sdkMajor: '3' }])));
});

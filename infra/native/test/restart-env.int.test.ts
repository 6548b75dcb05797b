import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { callControl, controlSocket } from '../src/control';
import { resolvePaths } from '../src/paths';
import type { Status } from '../src/supervisor';

// Against the running runner (npm test starts it): what `npm run stack -- restart payments --env …` does.
const socket = controlSocket(resolvePaths());
const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
const post = <T = Status>(path: string, body?: unknown) => callControl<T>(socket, 'POST', path, 180_000, body);

test('a restart with extra environment reaches the new process, survives stop and start, and a plain restart clears it', async () => {
  const probe = 'HOPTRACE_RESTART_PROBE=on';
  const restarted = await post('/components/payments/restart', { env: { HOPTRACE_RESTART_PROBE: 'on' } });
  assert.equal(restarted.state, 'ready');
  assert.deepEqual(restarted.extraEnv, { HOPTRACE_RESTART_PROBE: 'on' });
  assert.ok(environOf(restarted.pid!).includes(probe), 'the new process has the variable');

  await post('/components/payments/stop');
  const started = await post('/components/payments/start');
  assert.notEqual(started.pid, restarted.pid);
  assert.ok(environOf(started.pid!).includes(probe), 'kept across stop and start');

  const plain = await post('/components/payments/restart');
  assert.equal(plain.extraEnv, undefined);
  assert.ok(!environOf(plain.pid!).includes(probe), 'a plain restart clears it');
});

test('a restart naming a bad variable is refused with a message naming env, and nothing restarts', async () => {
  const before = (await callControl<Status[]>(socket, 'GET', '/status')).find((s) => s.name === 'payments')!;
  await assert.rejects(post('/components/payments/restart', { env: { 'not-a-name': 'x' } }), /"not-a-name" is not a variable name/);
  const after = (await callControl<Status[]>(socket, 'GET', '/status')).find((s) => s.name === 'payments')!;
  assert.equal(after.pid, before.pid);
});

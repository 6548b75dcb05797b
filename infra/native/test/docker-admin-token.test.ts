import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolvePaths } from '../src/paths';

// The image's two token scripts (infra/docker), run with /bin/sh as the containers run them, on a
// token file in a temporary folder instead of the admin-token volume.
const scripts = join(resolvePaths().root, 'infra', 'docker');
const dir = mkdtempSync(join(tmpdir(), 'hoptrace-token-'));
const file = join(dir, 'admin-token');
after(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('/bin/sh', [join(scripts, script), ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOPTRACE_ADMIN_TOKEN_FILE: file, ...env },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `${script} exited ${result.status}: ${result.stderr}`);
  return result;
}
const appInit = (env?: Record<string, string>) => run('admin-token.sh', [], env);
const kept = () => readFileSync(file, 'utf8').trim();

test('app-init generates a random token when none is set, readable by its owner only', () => {
  rmSync(file, { force: true });
  const out = appInit().stdout;
  assert.match(kept(), /^[A-Za-z0-9_-]{32}$/, 'base64url of 24 random bytes, as the native runner makes');
  assert.ok(!out.includes(kept()), 'app-init does not print the token; the gateway does');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const first = kept();
  rmSync(file);
  appInit();
  assert.notEqual(kept(), first, 'never a fixed default');
});

test('app-init keeps the token across restarts, an empty variable counting as unset', () => {
  appInit();
  const first = kept();
  appInit();
  appInit({ HOPTRACE_ADMIN_TOKEN: '' });
  assert.equal(kept(), first);
});

test('a set HOPTRACE_ADMIN_TOKEN wins, and is what a later start without it keeps', () => {
  appInit({ HOPTRACE_ADMIN_TOKEN: 'chosen-by-the-user-0123' });
  assert.equal(kept(), 'chosen-by-the-user-0123');
  appInit();
  assert.equal(kept(), 'chosen-by-the-user-0123');
});

test('the entrypoint exports the kept token when the variable is unset or empty, and a set one wins', () => {
  writeFileSync(file, 'kept-token-0123456789abcdef\n');
  const token = (env?: Record<string, string>) => run('entrypoint.sh', ['sh', '-c', 'printf %s "$HOPTRACE_ADMIN_TOKEN"'], env).stdout;
  assert.equal(token(), 'kept-token-0123456789abcdef');
  assert.equal(token({ HOPTRACE_ADMIN_TOKEN: '' }), 'kept-token-0123456789abcdef');
  assert.equal(token({ HOPTRACE_ADMIN_TOKEN: 'set-token-0123456789abcdef' }), 'set-token-0123456789abcdef');
});

test('the entrypoint prints the kept token only where HOPTRACE_PRINT_ADMIN_TOKEN asks, never a set one', () => {
  writeFileSync(file, 'kept-token-0123456789abcdef\n');
  const out = (env?: Record<string, string>) => run('entrypoint.sh', ['true'], env).stdout;
  assert.equal(out(), '');
  assert.match(
    out({ HOPTRACE_PRINT_ADMIN_TOKEN: 'true' }),
    /^admin token: kept-token-0123456789abcdef .*\n.*docker compose exec gateway cat /,
  );
  assert.equal(out({ HOPTRACE_PRINT_ADMIN_TOKEN: 'true', HOPTRACE_ADMIN_TOKEN: 'set-token-0123456789abcdef' }), '');
});

test('the entrypoint execs the command, so the stop signal goes straight to the service process', () => {
  const result = spawnSync('/bin/sh', [join(scripts, 'entrypoint.sh'), 'sh', '-c', 'echo $$'], {
    env: { PATH: process.env.PATH ?? '/bin', HOPTRACE_ADMIN_TOKEN_FILE: file },
    encoding: 'utf8',
  });
  assert.equal(Number(result.stdout.trim()), result.pid, "the command runs as the entrypoint's own process");
});

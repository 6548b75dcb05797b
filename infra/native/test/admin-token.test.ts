import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensureAdminToken, readAdminToken } from '../src/admin-token';
import { resolvePaths } from '../src/paths';

// The native runner chooses the admin token as compose's app-init does (infra/docker/admin-token.sh).
const state = mkdtempSync(join(tmpdir(), 'hoptrace-state-'));
const paths = { ...resolvePaths(), state };
after(() => rmSync(state, { recursive: true, force: true }));

test('npm start generates a token once, keeps it for later starts, and a set variable wins', () => {
  const first = ensureAdminToken(paths, {});
  assert.equal(first.source, 'generated');
  assert.match(first.token, /^[A-Za-z0-9_-]{32}$/);
  assert.deepEqual(ensureAdminToken(paths, {}), { token: first.token, source: 'kept' });
  assert.deepEqual(ensureAdminToken(paths, { HOPTRACE_ADMIN_TOKEN: 'chosen-by-the-user-0123' }), {
    token: 'chosen-by-the-user-0123',
    source: 'env',
  });
  assert.equal(readAdminToken(paths, {}), 'chosen-by-the-user-0123', 'clients read the token the stack runs with');
  rmSync(join(state, 'admin-token'));
  assert.notEqual(ensureAdminToken(paths, {}).token, first.token, 'never a fixed default');
});

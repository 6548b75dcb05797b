import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from './paths';

const tokenFile = (paths: Paths) => join(paths.state, 'admin-token');

/**
 * The admin token for this run, as compose's app-init service chooses it: HOPTRACE_ADMIN_TOKEN
 * when set, else the token kept from an earlier start, else a new random one (never a fixed
 * default). It is kept in the state folder, readable by root only, so `npm run fault`, the tests
 * and the next start can use it.
 */
export function ensureAdminToken(
  paths: Paths,
  env: NodeJS.ProcessEnv = process.env,
): { token: string; source: 'env' | 'kept' | 'generated' } {
  const keptToken = env.HOPTRACE_ADMIN_TOKEN ? undefined : readKept(paths);
  const source = env.HOPTRACE_ADMIN_TOKEN ? 'env' : keptToken ? 'kept' : 'generated';
  const token = env.HOPTRACE_ADMIN_TOKEN || keptToken || randomBytes(24).toString('base64url');
  env.HOPTRACE_ADMIN_TOKEN = token;
  mkdirSync(paths.state, { recursive: true });
  writeFileSync(tokenFile(paths), `${token}\n`, { mode: 0o600 });
  return { token, source };
}

function readKept(paths: Paths): string | undefined {
  try {
    return readFileSync(tokenFile(paths), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The token of the running stack, for clients of the admin API. */
export function readAdminToken(paths: Paths, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOPTRACE_ADMIN_TOKEN) return env.HOPTRACE_ADMIN_TOKEN;
  const token = readKept(paths);
  if (!token)
    throw new Error('no admin token: set HOPTRACE_ADMIN_TOKEN, or start the stack with `npm start`, which writes .hoptrace/admin-token');
  return token;
}

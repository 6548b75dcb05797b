import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from './paths';

const tokenFile = (paths: Paths) => join(paths.state, 'admin-token');

/**
 * The gateway's admin token for this run: HOPTRACE_ADMIN_TOKEN when set, otherwise a new random
 * one (never a fixed default). It is kept in the state folder, readable by root only, so
 * `npm run fault` and the tests can use it.
 */
export function ensureAdminToken(paths: Paths, env: NodeJS.ProcessEnv = process.env): { token: string; generated: boolean } {
  const generated = !env.HOPTRACE_ADMIN_TOKEN;
  const token = env.HOPTRACE_ADMIN_TOKEN || randomBytes(24).toString('base64url');
  env.HOPTRACE_ADMIN_TOKEN = token;
  mkdirSync(paths.state, { recursive: true });
  writeFileSync(tokenFile(paths), `${token}\n`, { mode: 0o600 });
  return { token, generated };
}

/** The token of the running stack, for clients of the admin API. */
export function readAdminToken(paths: Paths, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOPTRACE_ADMIN_TOKEN) return env.HOPTRACE_ADMIN_TOKEN;
  try {
    return readFileSync(tokenFile(paths), 'utf8').trim();
  } catch {
    throw new Error('no admin token: set HOPTRACE_ADMIN_TOKEN, or start the stack with `npm start`, which writes .hoptrace/admin-token');
  }
}

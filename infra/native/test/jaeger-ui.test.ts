import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensureJaegerUiAssets, inspectJaegerUiBuild, jaegerUiReleaseUrl, JaegerUiUnavailable } from '../src/provision/jaeger-ui';

const work = mkdtempSync(join(tmpdir(), 'hoptrace-jaeger-ui-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => {
  const dir = join(work, `${name}-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const NOWHERE = 'http://127.0.0.1:9/never-asked';

/** A directory shaped like jaeger-ui's Vite build: index.html naming hashed files under static/. */
function fakeBuild(dir: string, { version = '1.76.0', omit = '' } = {}): string {
  mkdirSync(join(dir, 'static'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><base href="/" data-inject-target="BASE_URL" />
    <link rel="shortcut icon" href="./static/favicon-x1.ico">
    <script type="module" crossorigin src="./static/index-a1.js"></script>
    <link rel="stylesheet" crossorigin href="./static/index-c1.css"></head>
    <body><div id="jaeger-ui-root"></div>
    <script nomodule crossorigin id="vite-legacy-entry" data-src="./static/index-legacy-b1.js">System.import()</script></body></html>`,
  );
  const files: Record<string, string> = {
    'static/favicon-x1.ico': 'ico',
    'static/index-a1.js': `const react={version:"19.2.0"};const version="${version}",defaultConfig$2={archiveEnabled:!0,menu:[{label:"Jaeger UI v".concat(version)}]};`,
    'static/index-c1.css': 'body{}',
    'static/index-legacy-b1.js': 'System.register([],function(){})',
  };
  for (const [file, text] of Object.entries(files)) if (file !== omit) writeFileSync(join(dir, file), text);
  return dir;
}

/** An archive in upstream's assets.tar.gz layout (files under packages/jaeger-ui/build/). */
function fakeArchive(options: Parameters<typeof fakeBuild>[1] = {}): string {
  const src = fresh('src');
  fakeBuild(join(src, 'packages/jaeger-ui/build'), options);
  const archive = join(fresh('archive'), 'assets.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', src, 'packages']);
  return archive;
}

async function unavailable(work: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(work, (err: unknown) => err instanceof JaegerUiUnavailable && message.test(err.message));
}

test("the release URL is upstream's assets.tar.gz of the version's tag", () => {
  assert.equal(jaegerUiReleaseUrl('v1.76.0'), 'https://github.com/jaegertracing/jaeger-ui/releases/download/v1.76.0/assets.tar.gz');
  assert.equal(jaegerUiReleaseUrl('1.76.0'), jaegerUiReleaseUrl('v1.76.0'));
});

test("an archive in upstream's layout is checked and extracted into the cache under the version, once", async () => {
  const cache = fresh('cache');
  const archive = fakeArchive();
  const dir = await ensureJaegerUiAssets(cache, 'v1.76.0', { path: archive, url: NOWHERE });
  assert.equal(dir, join(cache, 'jaeger-ui', 'v1.76.0', 'assets'));
  assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /jaeger-ui-root/);
  assert.match(readFileSync(join(cache, 'jaeger-ui', 'v1.76.0', '.complete'), 'utf8'), /assets\.tar\.gz/);
  rmSync(archive);
  assert.equal(
    await ensureJaegerUiAssets(cache, 'v1.76.0', { path: archive, url: NOWHERE }),
    dir,
    'a complete cache is used without the source',
  );
});

test('a flat directory of the build is copied into the cache', async () => {
  const cache = fresh('cache');
  const dir = await ensureJaegerUiAssets(cache, 'v1.76.0', { path: fakeBuild(fresh('flat')), url: NOWHERE });
  assert.deepEqual(inspectJaegerUiBuild(dir), { version: '1.76.0' });
});

test('a build of another UI version is refused, naming both versions, and nothing is cached', async () => {
  const cache = fresh('cache');
  await unavailable(
    ensureJaegerUiAssets(cache, 'v1.76.0', { path: fakeArchive({ version: '1.75.0' }), url: NOWHERE }),
    /is jaeger-ui 1\.75\.0, not 1\.76\.0/,
  );
  await unavailable(
    ensureJaegerUiAssets(cache, 'v1.76.0', { path: fakeBuild(fresh('flat'), { version: '1.75.0' }), url: NOWHERE }),
    /not 1\.76\.0/,
  );
  assert.throws(() => readFileSync(join(cache, 'jaeger-ui', 'v1.76.0', '.complete')));
});

test('sources that are not a jaeger-ui build are refused with the reason', async () => {
  const cache = fresh('cache');
  await unavailable(
    ensureJaegerUiAssets(cache, 'v1.76.0', { path: join(work, 'missing.tar.gz'), url: NOWHERE }),
    /missing\.tar\.gz does not exist/,
  );
  await unavailable(
    ensureJaegerUiAssets(cache, 'v1.76.0', { path: fresh('empty'), url: NOWHERE }),
    /not a jaeger-ui build: no index\.html/,
  );
  await unavailable(
    ensureJaegerUiAssets(cache, 'v1.76.0', { path: fakeBuild(fresh('flat'), { omit: 'static/index-a1.js' }), url: NOWHERE }),
    /lacks files its index\.html names: static\/index-a1\.js/,
  );
  const notGzip = join(fresh('junk'), 'assets.tar.gz');
  writeFileSync(notGzip, 'this is not an archive');
  await unavailable(ensureJaegerUiAssets(cache, 'v1.76.0', { path: notGzip, url: NOWHERE }), /is not a readable \.tar\.gz/);
});

test('a bundle that names no version is refused', () => {
  const dir = fakeBuild(fresh('flat'));
  writeFileSync(join(dir, 'static/index-a1.js'), 'console.log(1)');
  assert.throws(() => inspectJaegerUiBuild(dir), /names no UI version in static\/index-a1\.js/);
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/assets.tar.gz`, server };
}

test('without a path the release archive is downloaded, checked and cached', async () => {
  const archive = readFileSync(fakeArchive());
  const { url, server } = await serve((_req, res) => res.end(archive));
  try {
    const dir = await ensureJaegerUiAssets(fresh('cache'), 'v1.76.0', { url });
    assert.deepEqual(inspectJaegerUiBuild(dir), { version: '1.76.0' });
  } finally {
    server.close();
  }
});

test('a release host that answers an error, never answers or cannot be reached fails fast with the reason', async () => {
  const { url: missing, server: notFound } = await serve((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const { url: silent, server: hanging } = await serve(() => {
    /* never answers */
  });
  try {
    await unavailable(ensureJaegerUiAssets(fresh('cache'), 'v1.76.0', { url: missing }), /answered 404/);
    const started = Date.now();
    await unavailable(
      ensureJaegerUiAssets(fresh('cache'), 'v1.76.0', { url: silent, connectTimeoutMs: 300 }),
      /did not answer within 0\.3 s/,
    );
    assert.ok(Date.now() - started < 5_000, 'gave up after the connect timeout');
    const { url: closed, server: gone } = await serve(() => {});
    await new Promise((resolve) => gone.close(resolve));
    await unavailable(ensureJaegerUiAssets(fresh('cache'), 'v1.76.0', { url: closed }), /could not be fetched \(.*ECONNREFUSED/);
  } finally {
    notFound.close();
    hanging.closeAllConnections();
    hanging.close();
  }
});

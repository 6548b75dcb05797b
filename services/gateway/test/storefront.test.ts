import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app';
import { gatewayDeps, serve } from './fixtures';

let base: string;
let close: () => Promise<void>;
before(async () => {
  ({ base, close } = await serve(buildApp(gatewayDeps()).callback()));
});
after(() => close());

const get = async (path: string, method = 'GET') => {
  const res = await fetch(base + path, { method });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    cache: res.headers.get('cache-control'),
    body: await res.text(),
  };
};

test('hashed assets are served with their type and cached for a year as immutable', async () => {
  const res = await get('/assets/index-AbC123.js');
  assert.equal(res.status, 200);
  assert.match(res.type, /javascript/);
  assert.equal(res.cache, 'public, max-age=31536000, immutable');
  assert.equal(res.body, 'console.log("shop")');
});

test("the storefront's own routes, unknown files and paths that escape the folder get index.html, revalidated every time", async () => {
  for (const path of [
    '/',
    '/chaos',
    '/orders/6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01',
    '/nope.js',
    '/%2e%2e/etc/passwd',
    '/%E0%A4%A',
    '/.hidden',
  ]) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.type, /text\/html/, path);
    assert.equal(res.cache, 'no-cache', path);
    assert.match(res.body, /<title>shop<\/title>/, path);
  }
  assert.equal((await get('/', 'HEAD')).status, 200);
});

test('the API, the probes and the relay are never answered by index.html', async () => {
  assert.match((await get('/api/nope')).type, /application\/json/);
  assert.equal((await get('/api/nope')).status, 404);
  assert.deepEqual(JSON.parse((await get('/healthz')).body), { status: 'alive' });
  assert.match((await get('/readyz')).type, /application\/json/);
  assert.notEqual((await get('/otlp/v1/logs')).status, 200);
  assert.equal((await get('/', 'POST')).status, 404, 'only GET and HEAD');
});

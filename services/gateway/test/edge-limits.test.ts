import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { ErrorBody } from '@hoptrace/contracts';
import { errorResponses, isAppError } from '@hoptrace/kit';
import pino from 'pino';
import { parseRateLimit, rateLimit } from '../src/rate-limit';
import { checkBrowserExport } from '../src/telemetry-relay';
import { isLoopbackUrl } from '../src/w3c-harness';

test('HOPTRACE_RATE_LIMIT reads <n>/s[,burst=<m>] and 0', () => {
  assert.deepEqual(parseRateLimit('100/s,burst=200'), { perSecond: 100, burst: 200 });
  assert.deepEqual(parseRateLimit('5/s'), { perSecond: 5, burst: 10 });
  assert.equal(parseRateLimit('0'), undefined);
  for (const bad of ['', '100', '100/m', '-1/s', '10/s,burst=5', '0/s', 'lots']) assert.equal(parseRateLimit(bad), null, bad);
});

test('past the burst a client address gets 429 with Retry-After in the JSON error shape; exempt requests never count', async () => {
  const app = new Koa();
  app.use(errorResponses(pino({ level: 'silent' })));
  app.use(
    rateLimit(
      'requests',
      { perSecond: 2, burst: 5 },
      () => true,
      (ctx) => ctx.get('authorization') === 'ok',
    ),
  );
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(url, { headers: { authorization: 'ok' } })).status);
    assert.deepEqual(statuses, Array(8).fill(200), 'exempt');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await fetch(url));
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 200, 200, 429],
    );
    const limited = answers[5]!;
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const body = ErrorBody.parse(await limited.json());
    assert.equal(body.error.code, 'rate_limited');
  } finally {
    server.close();
  }
});

test('the span relay takes only exports whose every resource is the storefront', () => {
  const resource = (name: string) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
    scopeSpans: [],
  });
  assert.doesNotThrow(() => checkBrowserExport({ resourceSpans: [resource('storefront')] }));
  for (const bad of [
    { resourceSpans: [resource('storefront'), resource('payments')] },
    { resourceSpans: [{}] },
    {},
    null,
    [],
    { resourceSpans: 'x' },
  ]) {
    assert.throws(
      () => checkBrowserExport(bad),
      (err) => isAppError(err) && err.status === 422,
    );
  }
});

test('the W3C harness calls loopback URLs only', () => {
  for (const ok of ['http://127.0.0.1:7777/0', 'http://127.9.9.9/', 'http://localhost:1/x', 'http://[::1]:80/'])
    assert.ok(isLoopbackUrl(ok), ok);
  for (const bad of [
    'http://10.0.0.1/',
    'http://example.com/',
    'file:///etc/passwd',
    'http://127.0.0.1.example.com/',
    'nope',
    'http://[::ffff:8.8.8.8]/',
  ])
    assert.ok(!isLoopbackUrl(bad), bad);
});

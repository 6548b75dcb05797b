import { ErrorBody } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawRequest, type RawResponse } from '../support/raw-http';
import { adminToken } from '../support/shop';
import { hostPort } from '../support/stack';

/** The limits docs/faults-and-failure-tests.md states, measured on the running gateway. */
const [host, port] = hostPort('gateway', 8080).split(':') as [string, string];
const get = (path: string, localAddress: string, headers: [string, string][] = []) =>
  rawRequest({ host, port: Number(port), method: 'GET', path, headers, localAddress });
const post = (path: string, localAddress: string, type: string, body: string | Buffer, headers: [string, string][] = []) =>
  rawRequest({ host, port: Number(port), method: 'POST', path, headers: [['content-type', type], ...headers], body, localAddress });
const errorCode = (res: RawResponse) => ErrorBody.parse(JSON.parse(res.body)).error.code;

test('one client address past 100 requests/s with a burst of 200 gets 429 with Retry-After; the admin token and other addresses are not limited', async () => {
  // Waves of 200 parallel requests until one is refused: on a busy machine a wave can take longer
  // than a second, and the steady rate refills meanwhile, so the count before the first 429 varies.
  const flood: RawResponse[] = [];
  while (!flood.some((r) => r.status === 429) && flood.length < 2000)
    flood.push(...(await Promise.all(Array.from({ length: 200 }, () => get('/api/config', '127.30.0.1')))));
  const ok = flood.filter((r) => r.status === 200).length;
  const limited = flood.filter((r) => r.status === 429);
  console.log(
    `# rate limit: ${flood.length} parallel requests (waves of 200) from one address: ${ok} answered 200, ${limited.length} answered 429`,
  );
  assert.ok(limited.length > 0, 'a client past its limit is refused');
  assert.ok(ok >= 200, `the burst of 200 is served first (${ok} answered 200)`);
  assert.equal(ok + limited.length, flood.length, `other statuses: ${[...new Set(flood.map((r) => r.status))]}`);
  assert.equal(errorCode(limited[0]!), 'rate_limited');
  assert.ok(Number(limited[0]!.headers['retry-after']) >= 1, 'Retry-After in seconds');
  assert.equal(
    (await get('/api/config', '127.30.0.1', [['authorization', `Bearer ${adminToken()}`]])).status,
    200,
    'the admin token is exempt',
  );
  assert.equal((await get('/api/config', '127.30.0.2')).status, 200, 'another address has its own budget');
  assert.equal((await get('/healthz', '127.30.0.1')).status, 200, 'liveness is not limited');
});

const exportOf = (service: string) =>
  JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [] }],
  });

test('the browser-span relay takes OTLP/JSON from the storefront only, within its own size and rate limits', async () => {
  const from = '127.30.1.1';
  assert.equal((await post('/otlp/v1/traces', from, 'application/json', exportOf('storefront'))).status, 200);
  const other = await post('/otlp/v1/traces', from, 'application/json', exportOf('payments'));
  assert.equal(other.status, 422);
  assert.match(JSON.stringify(ErrorBody.parse(JSON.parse(other.body)).error.fields), /storefront/);
  assert.equal(
    (await post('/otlp/v1/traces', from, 'application/x-protobuf', Buffer.from([10, 0]))).status,
    415,
    'protobuf cannot be checked: refused',
  );
  assert.equal(
    errorCode(await post('/otlp/v1/traces', from, 'application/json', `{"resourceSpans":[],"pad":"${'x'.repeat(300 * 1024)}"}`)),
    'body_too_large',
  );
  assert.equal((await get('/otlp/v1/traces', from)).status, 405);
  const burst: RawResponse[] = [];
  while (!burst.some((r) => r.status === 429) && burst.length < 800) {
    burst.push(
      ...(await Promise.all(
        Array.from({ length: 80 }, () => post('/otlp/v1/traces', '127.30.1.2', 'application/json', exportOf('storefront'))),
      )),
    );
  }
  const limited = burst.filter((r) => r.status === 429).length;
  console.log(
    `# relay rate limit: ${burst.length} parallel exports (waves of 80) from one address: ${burst.length - limited} relayed, ${limited} answered 429`,
  );
  assert.ok(limited > 0, 'past its own limit the relay refuses');
  assert.ok(burst.length - limited >= 40, 'its burst of 40 is relayed first');
  assert.equal(errorCode(burst.find((r) => r.status === 429)!), 'rate_limited');
});

test('headers over 16 KiB are a 431 and a malformed request a 400, both in the JSON error shape', async () => {
  const big = await get('/api/config', '127.30.2.1', [['x-big', 'b'.repeat(17 * 1024)]]);
  assert.equal(big.status, 431);
  assert.equal(errorCode(big), 'header_too_large');
  const bad = await rawRequest({
    host,
    port: Number(port),
    method: 'GET',
    path: '/api/config',
    headers: [['bad header', 'x']],
    localAddress: '127.30.2.1',
  });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'malformed_request');
});

test('baggage over 64 members or 8192 bytes, and a tracestate over 32 members, are cut or dropped, never fatal', async () => {
  const many = Array.from({ length: 200 }, (_, i) => `k${i}=${'v'.repeat(60)}`).join(',');
  const states = Array.from({ length: 40 }, (_, i) => `k${i}=v`).join(',');
  const res = await get('/api/products', '127.30.3.1', [
    ['traceparent', '00-12345678901234567890123456789012-1234567890123456-01'],
    ['baggage', many],
    ['tracestate', states],
  ]);
  assert.equal(res.status, 200);
});

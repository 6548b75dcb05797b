import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app';
import { GatewayConfig } from '../src/config';
import { W3C_HARNESS_PATH } from '../src/w3c-harness';
import { gatewayDeps, serve } from './fixtures';

/** What the gateway needs to start, and nothing about the harness. */
const REQUIRED_ENV = {
  INVENTORY_URL: 'http://127.0.0.1:8081',
  ORDERS_URLS: 'http://127.0.0.1:8082',
  NOTIFICATIONS_URL: 'http://127.0.0.1:8085',
  JAEGER_UI_URL: 'http://127.0.0.1:16686',
  JAEGER_QUERY_URL: 'http://127.0.0.1:16686',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
  HOPTRACE_ADMIN_TOKEN: 'gateway-test-admin-token-0123456789',
};

const post = async (w3cHarness: boolean, body: unknown) => {
  const handle = buildApp(gatewayDeps({ w3cHarness })).callback();
  const { base, close } = await serve((req, res) => void handle(req, res));
  try {
    const res = await fetch(`${base}${W3C_HARNESS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } finally {
    await close();
  }
};

void test('the conformance endpoint is off unless HOPTRACE_W3C_HARNESS=1', () => {
  assert.equal(GatewayConfig.parse(REQUIRED_ENV).HOPTRACE_W3C_HARNESS, false);
  assert.equal(GatewayConfig.parse({ ...REQUIRED_ENV, HOPTRACE_W3C_HARNESS: '0' }).HOPTRACE_W3C_HARNESS, false);
  assert.equal(GatewayConfig.parse({ ...REQUIRED_ENV, HOPTRACE_W3C_HARNESS: '1' }).HOPTRACE_W3C_HARNESS, true);
  // Anything else is a configuration error, not a silent "on".
  assert.equal(GatewayConfig.safeParse({ ...REQUIRED_ENV, HOPTRACE_W3C_HARNESS: 'true' }).success, false);
});

void test('off, POST /__w3c/test is a 404 like any unknown path; on, it answers', async () => {
  assert.equal((await post(false, [])).status, 404);
  assert.deepEqual(await post(true, []), { status: 200, body: { results: [] } });
});

void test('on, it calls loopback URLs only, and names the call that is not', async () => {
  const res = await post(true, [
    { url: 'http://127.0.0.1:1/ok', arguments: [] },
    { url: 'http://192.0.2.1/', arguments: [] },
  ]);
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, {
    error: { code: 'url_not_allowed', message: 'the harness calls loopback URLs only', fields: { '1.url': 'a loopback http(s) URL' } },
  });
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorBody } from '@hoptrace/contracts';
import { isAdmin } from '@hoptrace/faults';
import { servedRoutes } from '@hoptrace/kit';
import { buildApp } from '../src/app';
import { gatewayDeps, ORDER_ID, serve, TOKEN } from './fixtures';

/** Authorization headers that must not pass for the token, each with why. */
const NOT_ADMIN: [string | undefined, string][] = [
  [undefined, 'no header'],
  ['', 'empty'],
  [TOKEN, 'the token without the scheme'],
  [`bearer ${TOKEN}`, 'the scheme in lower case'],
  [`Bearer  ${TOKEN}`, 'two spaces'],
  [`Bearer ${TOKEN.slice(0, -1)}`, 'one character short'],
  [`Bearer ${TOKEN}x`, 'one character more'],
  [`Bearer ${TOKEN.toUpperCase()}`, 'another case'],
  [`Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, 'basic auth'],
  ['Bearer ', 'an empty token'],
  [`Bearer ${'x'.repeat(TOKEN.length)}`, 'another token of the same length'],
];

test('isAdmin holds only for "Bearer <token>" exactly', () => {
  assert.equal(isAdmin(`Bearer ${TOKEN}`, TOKEN), true);
  for (const [header, why] of NOT_ADMIN) assert.equal(isAdmin(header, TOKEN), false, why);
});

const app = buildApp(gatewayDeps({ w3cHarness: true }));
let base: string;
let close: () => Promise<void>;
before(async () => {
  ({ base, close } = await serve(app.callback()));
});
after(() => close());

const concrete = (path: string) => path.replace(/:[a-zA-Z]+/g, ORDER_ID);
const isAdminRoute = (path: string) => path.startsWith('/api/admin/');
const ROUTES = servedRoutes(app).flatMap((r) =>
  r.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: concrete(r.path), pattern: r.path })),
);

async function call(method: string, path: string, authorization?: string) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
    body: ['POST', 'PUT', 'PATCH'].includes(method) ? JSON.stringify({ rules: [] }) : undefined,
  });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: text ? (JSON.parse(text) as unknown) : undefined };
}

test('the walk reaches every route of the gateway, the admin API among them', () => {
  assert.deepEqual(
    ROUTES.filter((r) => isAdminRoute(r.path))
      .map((r) => r.method)
      .sort(),
    ['DELETE', 'GET', 'PUT'],
  );
  assert.ok(ROUTES.length >= 10, ROUTES.map((r) => `${r.method} ${r.pattern}`).join(', '));
});

test('every admin route refuses every header that is not the token with 401, a Bearer challenge and the JSON error shape; the rest ignore the header', async () => {
  for (const { method, path } of ROUTES) {
    for (const [header, why] of NOT_ADMIN) {
      const res = await call(method, path, header);
      const what = `${method} ${path} with ${why}`;
      if (isAdminRoute(path)) {
        assert.equal(res.status, 401, what);
        assert.equal(res.challenge, 'Bearer realm="hoptrace admin"', what);
        assert.equal(ErrorBody.parse(res.body).error.code, 'unauthorized', what);
      } else {
        assert.notEqual(res.status, 401, what);
        assert.ok(res.status < 500, `${what}: ${res.status}`);
      }
    }
  }
});

test('with the token every admin route answers', async () => {
  for (const { method, path } of ROUTES.filter((r) => isAdminRoute(r.path))) {
    const res = await call(method, path, `Bearer ${TOKEN}`);
    assert.equal(res.status, 200, `${method} ${path}`);
    assert.deepEqual(res.body, { rules: [] });
  }
});

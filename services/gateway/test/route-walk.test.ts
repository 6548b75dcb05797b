import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { FaultAdmission, FaultRules, isFaultEntry, traceIdOf } from '@hoptrace/faults';
import { servedRoutes } from '@hoptrace/kit';
import { SERVICE_NAMES, FAULT_KINDS } from '@hoptrace/contracts';
import { buildApp, type GatewayDeps } from '../src/app';
import { injectedFaults, traced } from '../../../packages/faults/test/otel-harness';
import { gatewayDeps, ORDER_ID, serve, TOKEN } from './fixtures';

const admission = new FaultAdmission(TOKEN);
/** What reached each downstream call: its fault entries, and whether their signature held. */
const downstream: { call: string; traceId?: string; faults: string[]; signed: boolean }[] = [];

function seen(call: string) {
  const ctx = context.active();
  const faults = (propagation.getBaggage(ctx)?.getAllEntries() ?? []).map(([k, e]) => `${k}=${e.value}`).filter((e) => isFaultEntry(e));
  downstream.push({ call, traceId: traceIdOf(ctx), faults, signed: !!admission.trusted(ctx) });
}

const rules = new FaultRules();
const deps: GatewayDeps = gatewayDeps({
  inventory: {
    listProducts: async () => {
      seen('inventory.listProducts');
      return [];
    },
  } as never,
  orders: {
    place: async () => {
      seen('orders.place');
      return { status: 201, body: { id: ORDER_ID, status: 'paid', traceId: 'x' } };
    },
    get: async () => {
      seen('orders.get');
      return { status: 404, body: { error: { code: 'not_found', message: 'no such order' } } };
    },
  } as never,
  notifications: {
    forOrder: async () => {
      seen('notifications.forOrder');
      return { status: 200, body: [] };
    },
  } as never,
  faults: admission,
  faultRules: rules,
});
const app = buildApp(deps);

let base: string;
let close: () => Promise<void>;
before(async () => {
  ({ base, close } = await serve(traced(app.callback())));
});
after(() => close());

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const concrete = (path: string) => path.replace(/:[a-zA-Z]+/g, ORDER_ID);
/** Every route the router serves, plus what is served around it: the storefront, the span relay, unknown paths. */
const PATHS = [
  ...new Set([
    ...servedRoutes(app).map((r) => concrete(r.path)),
    '/',
    '/chaos',
    `/orders/${ORDER_ID}`,
    '/assets/app.js',
    '/otlp/v1/traces',
    '/otlp/v1/metrics',
    '/nope',
    '/api',
    '/api/nope',
    '/api/admin/nope',
    '/healthz',
    '/readyz',
  ]),
];
const KINDS = FAULT_KINDS.map((k) => (k === 'latency' ? 'latency:5000' : k));
const everyService = (kind: string) => SERVICE_NAMES.map((s) => `hoptrace.fault.${s}=${kind}`).join(',');

async function send(method: string, path: string, headers: Record<string, string>) {
  const traceId = randomBytes(16).toString('hex');
  const started = performance.now();
  const res = await fetch(base + path, {
    method,
    headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'content-type': 'application/json', ...headers },
    body: ['POST', 'PUT', 'PATCH'].includes(method)
      ? JSON.stringify({
          email: 'ada@example.com',
          items: [{ sku: 'MUG-01', quantity: 1 }],
          payment: { cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' },
        })
      : undefined,
    signal: AbortSignal.timeout(3000),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started, traceId };
}

test('the walk covers the public API, the admin API and the routes read from the router', () => {
  for (const p of ['/api/orders', '/api/admin/faults', '/api/products', `/api/orders/${ORDER_ID}/trace`, '/__w3c/test'])
    assert.ok(PATHS.includes(p), p);
  assert.ok(
    servedRoutes(app).length >= 10,
    `router routes: ${servedRoutes(app)
      .map((r) => r.path)
      .join(' ')}`,
  );
});

test("no fault kind in a stranger's baggage takes effect on any path with any method, nor travels on", async () => {
  let requests = 0;
  for (const kind of KINDS) {
    for (const path of PATHS) {
      for (const method of METHODS) {
        downstream.length = 0;
        const forged = `${everyService(kind)},hoptrace.fault.sig=${'A'.repeat(43)},hoptrace.fault.gateway.scope=global`;
        const res = await send(method, path, { baggage: forged });
        requests++;
        const what = `${method} ${path} with ${kind}`;
        assert.ok(res.status < 500, `${what}: answered ${res.status}`);
        assert.ok(res.ms < 1500, `${what}: took ${Math.round(res.ms)} ms`);
        assert.deepEqual(injectedFaults(res.traceId), [], `${what}: no fault.injected`);
        for (const call of downstream) assert.deepEqual(call.faults, [], `${what}: ${call.call} received fault entries`);
      }
    }
  }
  assert.ok(requests >= KINDS.length * 20 * METHODS.length, `${requests} requests`);
});

test('with the admin token the same entries are admitted, signed for the trace, and act (the walk can fail)', async () => {
  downstream.length = 0;
  const res = await send('GET', '/api/admin/faults', { baggage: 'hoptrace.fault.gateway=error', authorization: `Bearer ${TOKEN}` });
  assert.equal(res.status, 500);
  assert.deepEqual(
    injectedFaults(res.traceId).map((f) => f.split(': ')[1]),
    ['error'],
  );
  const ok = await send('GET', '/api/products', {
    baggage: 'hoptrace.fault.inventory=latency:5,tenant=acme',
    authorization: `Bearer ${TOKEN}`,
  });
  assert.equal(ok.status, 200);
  const call = downstream.find((c) => c.call === 'inventory.listProducts')!;
  assert.equal(call.traceId, ok.traceId);
  assert.ok(call.signed, 'the signature holds downstream');
  assert.deepEqual(
    call.faults.filter((f) => !f.startsWith('hoptrace.fault.sig=')),
    ['hoptrace.fault.inventory=latency:5'],
  );
});

test('global rules fault the public API and never the admin API, so a failing gateway can still be cleared', async () => {
  rules.replace([{ service: 'gateway', kind: 'error', rate: 1 }]);
  try {
    assert.equal((await send('GET', '/api/products', {})).status, 500);
    const admin = await send('GET', '/api/admin/faults', { authorization: `Bearer ${TOKEN}` });
    assert.equal(admin.status, 200);
    assert.deepEqual(injectedFaults(admin.traceId), []);
  } finally {
    rules.replace([]);
  }
});

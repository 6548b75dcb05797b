import { CreatedOrder, ErrorBody, FAULT_KINDS, SERVICE_NAMES } from '@hoptrace/contracts';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { brokenJson, FUZZ_SEED, nastyNumber, nastyString, pollution, runs } from '../support/fuzz';
import { rawRequest, strangerAddress, type RawResponse } from '../support/raw-http';
import { GATEWAY_EXTRA_PATHS, HTTP_METHODS, routesOf } from '../support/routes';
import { api, clientParentEmail, orderRequest, uniqueEmail, waitForOrder } from '../support/shop';
import { hostPort, stackStatus } from '../support/stack';

/**
 * Property-based: thousands of generated requests from strangers (no token, each from a
 * loopback address of its own) to every public endpoint. Whatever they send, the answer is a
 * 2xx that is right for the route or a 4xx in the JSON error shape: never a 5xx, never a hang,
 * never a restarted process; and a normal order completes afterwards.
 */
const [host, port] = hostPort('gateway', 8080).split(':') as [string, string];
const ROUTES = [...routesOf('gateway', ':id').map((r) => r.path), ...GATEWAY_EXTRA_PATHS('x')];
const counts = { requests: 0, byClass: new Map<string, number>() };
const JSON_PATH = /^\/(api\/|otlp\/)/;

function check(what: string, method: string, path: string, res: RawResponse): void {
  counts.requests++;
  const cls = `${Math.floor(res.status / 100)}xx`;
  counts.byClass.set(cls, (counts.byClass.get(cls) ?? 0) + 1);
  assert.ok(res.status >= 200 && res.status < 500, `${what}: answered ${res.status} ${res.body.slice(0, 300)}`);
  if (method === 'HEAD') return;
  // OPTIONS is answered by the router's Allow list, with no body.
  if (method === 'OPTIONS' && res.status < 300) return assert.ok(res.headers.allow, `${what}: OPTIONS without Allow`);
  if (res.status >= 400 || JSON_PATH.test(path)) {
    let body: unknown;
    assert.doesNotThrow(
      () => {
        body = JSON.parse(res.body);
      },
      `${what}: ${res.status} without a JSON body: ${res.body.slice(0, 200)}`,
    );
    if (res.status >= 400)
      assert.ok(ErrorBody.safeParse(body).success, `${what}: ${res.status} not in the JSON error shape: ${res.body.slice(0, 200)}`);
    if (res.status === 201 && path === '/api/orders')
      assert.ok(CreatedOrder.safeParse(body).success, `${what}: 201 is not a created order`);
  }
}

const send = async (method: string, path: string, headers: [string, string | Buffer][], body?: string | Buffer) => {
  const res = await rawRequest({
    host,
    port: Number(port),
    method,
    path,
    headers,
    body,
    localAddress: strangerAddress(),
    timeoutMs: 10_000,
  });
  check(`${method} ${path}`, method, path, res);
  return res;
};

/** Percent-encodes any string, lone surrogates too (as U+FFFD, as a browser would). */
const encode = (text: string) =>
  [...Buffer.from(text)]
    .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`))
    .join('');
const pathArb = fc
  .tuple(fc.constantFrom(...ROUTES), fc.oneof(fc.uuid(), nastyString, fc.constant('')), fc.option(nastyString), fc.boolean())
  .map(([route, id, query, raw]) => {
    // Now and then unencoded, as bytes: the HTTP parser's 400 must be JSON too.
    const put = (text: string) => (raw ? text.replace(/[\s]/g, '_') : encode(text));
    return `${route.replace(/:id/g, put(id))}${query === null ? '' : `?orderId=${put(query)}`}`.replace(/^([^/])/, '/$1');
  });

const item = fc.record(
  {
    sku: fc.oneof(fc.constantFrom('MUG-01', 'TEE-SPAN', 'POSTER-LTD', 'NOPE-1'), nastyString),
    quantity: fc.oneof(nastyNumber, nastyString),
  },
  { requiredKeys: [] },
);
const orderLike = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), nastyString, nastyNumber),
    items: fc.oneof(
      fc.array(item, { maxLength: 25 }),
      fc.constant(Array.from({ length: 5000 }, () => ({ sku: 'MUG-01', quantity: 1 }))),
      nastyString,
    ),
    payment: fc.oneof(
      fc.record({
        cardNumber: fc.oneof(fc.constantFrom('4242424242424242', '4000000000000002', '4000000000009995', '1234'), nastyString),
        expiry: fc.oneof(fc.constantFrom('12/30', '13/99', '00/00'), nastyString),
        cvc: fc.oneof(fc.constantFrom('123', '12345'), nastyString),
      }),
      nastyNumber,
      fc.constant(null),
    ),
    extra: fc.option(fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  { weight: 4, arbitrary: orderLike.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: brokenJson },
  { weight: 1, arbitrary: pollution },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ pad: 'x'.repeat(70 * 1024) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/x-protobuf',
  '',
);

test(
  `fuzzed bodies to every public endpoint (seed ${FUZZ_SEED}): a right 2xx or a JSON 4xx, never a 5xx or a hang`,
  { timeout: 150_000 },
  async () => {
    const before = await stackStatus();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HTTP_METHODS), pathArb, bodyArb, contentType, async (method, path, body, type) => {
        await send(method, path, type ? [['content-type', type]] : [], ['GET', 'HEAD'].includes(method) ? undefined : body);
      }),
      { seed: FUZZ_SEED, numRuns: runs(3000), endOnFailure: true },
    );
    console.log(
      `# bodies: ${counts.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${FUZZ_SEED}: ${[...counts.byClass].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    );
    assert.deepEqual(
      (await stackStatus()).map((s) => [s.name, s.pid, s.state]),
      before.map((s) => [s.name, s.pid, s.state]),
      'no process restarted',
    );
  },
);

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const traceparent = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('00', 'cc', 'ff', '0', '000', 'zz'),
      hex(32),
      hex(16),
      fc.constantFrom('00', '01', 'ff', '1', '.0'),
      fc.constantFrom('', '-x', '.', ' ', '-' + 'f'.repeat(500)),
    )
    .map(([v, t, p, f, tail]) => `${v}-${t}-${p}-${f}${tail}`),
  nastyString,
  fc.constant('00-00000000000000000000000000000000-0000000000000000-01'),
);
const member = fc
  .tuple(
    fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,20}$/),
      fc.stringMatching(/^[a-z0-9]{1,8}@[a-z]{1,14}$/),
      nastyString,
      fc.constant('z'.repeat(257)),
    ),
    fc.oneof(fc.stringMatching(/^[\x21-\x2b\x2d-\x3c\x3e-\x7e]{1,12}$/), nastyString),
  )
  .map(([k, v]) => `${k}=${v}`);
const tracestate = fc.oneof(
  fc.array(member, { maxLength: 40 }).map((m) => m.join(',')),
  fc.constant(Array.from({ length: 200 }, (_, i) => `k${i}=v${i}`).join(',')),
  nastyString,
);
// Fault entries among them: a stranger's are never admitted, whatever else the header holds.
const faultEntry = fc
  .tuple(fc.constantFrom(...SERVICE_NAMES), fc.constantFrom(...FAULT_KINDS, 'latency:5000', 'hang', 'crash'))
  .map(([s, k]) => `hoptrace.fault.${s}=${k}`);
const baggage = fc.oneof(
  fc
    .array(fc.oneof(member, faultEntry, fc.constant('hoptrace.fault.sig=AAAA'), fc.constant('k=%zz'), fc.constant(';;;')), {
      maxLength: 80,
    })
    .map((m) => m.join(',')),
  fc.constant(Array.from({ length: 100 }, (_, i) => `k${i}=${'v'.repeat(100)}`).join(',')),
  nastyString,
);
/** A header value as raw bytes: anything but CR and LF, which would end the header line. */
const rawValue = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b.map((x) => (x === 13 || x === 10 ? 32 : x))));
const headerSet = fc.array(
  fc.oneof(
    traceparent.map((v) => ['traceparent', v] as [string, string]),
    tracestate.map((v) => ['tracestate', v] as [string, string]),
    baggage.map((v) => ['baggage', v] as [string, string]),
    fc.tuple(
      fc.constantFrom(
        'traceparent',
        'tracestate',
        'baggage',
        'x-hoptrace-budget-ms',
        'authorization',
        'content-length',
        'transfer-encoding',
      ),
      rawValue,
    ),
    fc.constantFrom(
      ['x-hoptrace-budget-ms', '-5'],
      ['x-hoptrace-budget-ms', '1e12'],
      ['authorization', 'Bearer nope'],
      ['x-big', 'b'.repeat(20 * 1024)],
      ['tracestate', 't'.repeat(9000)],
    ) as fc.Arbitrary<[string, string]>,
  ),
  { maxLength: 6 },
);

test(
  `fuzzed, oversized, repeated trace headers (seed ${FUZZ_SEED}): never a 5xx, a hang or an admitted fault`,
  { timeout: 150_000 },
  async () => {
    const before = await stackStatus();
    const started = Date.now();
    const start = counts.requests;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS'),
        fc.constantFrom(
          '/api/products',
          '/api/orders',
          `/api/orders/${randomUUID()}`,
          '/api/admin/faults',
          '/',
          '/otlp/v1/traces',
          '/__w3c/test',
        ),
        headerSet,
        async (method, path, headers) => {
          const body =
            method === 'POST'
              ? path === '/api/orders'
                ? JSON.stringify(orderRequest({ email: clientParentEmail('fuzz') }))
                : '[]'
              : undefined;
          const res = await send(
            method,
            path,
            [...(body ? [['content-type', 'application/json'] as [string, string]] : []), ...headers],
            body,
          );
          assert.ok(res.ms < 4000, `${method} ${path}: took ${Math.round(res.ms)} ms: a latency fault acted?`);
        },
      ),
      { seed: FUZZ_SEED, numRuns: runs(2000), endOnFailure: true },
    );
    console.log(`# headers: ${counts.requests - start} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${FUZZ_SEED}`);
    assert.deepEqual(
      (await stackStatus()).map((s) => [s.name, s.pid, s.state]),
      before.map((s) => [s.name, s.pid, s.state]),
      'no process restarted',
    );
  },
);

test('after the fuzzing a normal order still completes', async () => {
  const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: uniqueEmail('after-fuzz') }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal((await waitForOrder(res.body.id, ['completed', 'failed'], 60_000)).status, 'completed');
  console.log(`# http fuzzing total: ${counts.requests} requests, seed ${FUZZ_SEED} (HOPTRACE_FUZZ_SEED=${FUZZ_SEED} reproduces it)`);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUDGET_HEADER, runWithDeadline } from '../src/deadline';
import { AppError, DependencyUnavailable } from '../src/errors';
import { expectSuccess, JsonClient, TIMED_OUT } from '../src/http-client';

/** A callee whose answers the test scripts per path; it records what it received. */
type Answer = { status: number; body?: unknown; delayMs?: number; raw?: string };
const script = new Map<string, Answer[]>();
const received: { method: string; path: string; budget?: string; body: string }[] = [];
let server: Server;
let base: string;

function answer(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push({
      method: req.method!,
      path: req.url!,
      budget: req.headers[BUDGET_HEADER] as string | undefined,
      body,
    });
    const queue = script.get(req.url!) ?? [];
    const next = queue.length > 1 ? queue.shift()! : (queue[0] ?? { status: 200, body: {} });
    setTimeout(() => {
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(next.raw ?? (next.body === undefined ? '' : JSON.stringify(next.body)));
    }, next.delayMs ?? 0);
  });
}

before(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

function reset(path: string, answers: Answer[]) {
  script.set(path, answers);
  received.length = 0;
}
const calls = (path: string) => received.filter((r) => r.path === path).length;
const client = (timeoutMs = 1000) => new JsonClient('inventory', base, timeoutMs);

test('2xx and 4xx answers come back as they are, with their JSON bodies', async () => {
  reset('/a', [{ status: 201, body: { id: 1 } }]);
  assert.deepEqual(await client().request('POST', '/a', { body: { x: 1 } }), { status: 201, body: { id: 1 } });
  assert.deepEqual(JSON.parse(received[0]!.body), { x: 1 });
  reset('/b', [{ status: 409, body: { error: { code: 'insufficient_stock', message: 'no' } } }]);
  assert.equal((await client().request('POST', '/b')).status, 409);
});

test('a GET that meets 5xx is retried with backoff, three attempts in all, then DependencyUnavailable with the upstream code', async () => {
  reset('/flaky', [{ status: 503, body: { error: { code: 'dependency_unavailable', message: 'db down' } } }]);
  const started = Date.now();
  await assert.rejects(
    client().request('GET', '/flaky'),
    (err) =>
      err instanceof DependencyUnavailable && err.upstreamCode === 'dependency_unavailable' && /answered 503 \(db down\)/.test(err.message),
  );
  assert.equal(calls('/flaky'), 3);
  assert.ok(Date.now() - started >= 400, 'backoff of 100 and 300 ms between attempts');
});

test('a retried GET that then succeeds answers with the success', async () => {
  reset('/recovers', [{ status: 500 }, { status: 200, body: { ok: true } }]);
  assert.deepEqual((await client().request('GET', '/recovers')).body, { ok: true });
  assert.equal(calls('/recovers'), 2);
});

test('a POST is never retried unless it is idempotent', async () => {
  reset('/pay', [{ status: 503 }]);
  await assert.rejects(client().request('POST', '/pay'), DependencyUnavailable);
  assert.equal(calls('/pay'), 1);
  reset('/pay', [{ status: 503 }]);
  await assert.rejects(client().request('POST', '/pay', { idempotent: true }), DependencyUnavailable);
  assert.equal(calls('/pay'), 3);
});

test('a timeout is not retried: a slow callee stays slow', async () => {
  reset('/slow', [{ status: 200, body: {}, delayMs: 500 }]);
  await assert.rejects(
    client(100).request('GET', '/slow'),
    (err) => err instanceof DependencyUnavailable && err.upstreamCode === TIMED_OUT,
  );
  assert.equal(calls('/slow'), 1);
});

test('within a request budget each call gets at most what remains (less a margin), and says so downstream', async () => {
  reset('/budget', [{ status: 200, body: {} }]);
  await runWithDeadline(Date.now() + 400, () => client(2000).request('GET', '/budget'));
  const sent = Number(received[0]!.budget);
  assert.ok(sent <= 350 && sent > 250, `budget header ${sent}`);
  reset('/budget', [{ status: 200, body: {} }]);
  await client(2000).request('GET', '/budget');
  assert.equal(received[0]!.budget, '2000', "outside a budget: the client's own timeout");
});

test('a spent budget fails at once without calling, and leaves no time for a retry', async () => {
  reset('/late', [{ status: 200, body: {} }]);
  await assert.rejects(
    runWithDeadline(Date.now() + 20, () => client().request('GET', '/late')),
    /time budget of the request is used up/,
  );
  assert.equal(calls('/late'), 0);
  reset('/late', [{ status: 503 }]);
  // 150 ms left: the first attempt fails; a 100 ms backoff would leave too little for another.
  await assert.rejects(
    runWithDeadline(Date.now() + 150, () => client().request('GET', '/late')),
    DependencyUnavailable,
  );
  assert.equal(calls('/late'), 1);
  // 350 ms left: room for the 100 ms backoff and one more attempt, not for the 300 ms one after it.
  reset('/late', [{ status: 503 }]);
  await assert.rejects(
    runWithDeadline(Date.now() + 350, () => client().request('GET', '/late')),
    DependencyUnavailable,
  );
  assert.equal(calls('/late'), 2);
});

test("a compensation ignores the spent budget: it runs, and is retried, on the client's own timeout", async () => {
  reset('/release', [{ status: 503 }, { status: 200, body: { released: true } }]);
  const res = await runWithDeadline(Date.now() + 10, () => client().request('POST', '/release', { idempotent: true, ignoreBudget: true }));
  assert.deepEqual(res.body, { released: true });
  assert.equal(received[0]!.budget, '1000');
});

test('passServerErrors hands a 5xx back instead of throwing (a proxy passes it on)', async () => {
  reset('/proxy', [{ status: 502, body: { error: { code: 'bad', message: 'upstream' } } }]);
  assert.equal((await client().request('GET', '/proxy', { passServerErrors: true })).status, 502);
  assert.equal(calls('/proxy'), 1);
});

test('a body that is not JSON, or nobody listening, is DependencyUnavailable', async () => {
  reset('/html', [{ status: 200, raw: '<html>' }]);
  await assert.rejects(client().request('POST', '/html'), /answered 200 with a body that is not JSON/);
  await assert.rejects(
    new JsonClient('payments', 'http://127.0.0.1:1', 500).request('POST', '/x'),
    (err) => err instanceof DependencyUnavailable && err.dependency === 'payments' && err.upstreamCode === undefined,
  );
});

test('expectSuccess passes a 2xx body and turns a 4xx into the same AppError', () => {
  assert.deepEqual(expectSuccess({ status: 200, body: { a: 1 } }, 'inventory'), { a: 1 });
  assert.throws(
    () =>
      expectSuccess(
        {
          status: 409,
          body: { error: { code: 'insufficient_stock', message: 'only 5', fields: { 'items.0.quantity': 'only 5' } } },
        },
        'inventory',
      ),
    (err) =>
      err instanceof AppError && err.status === 409 && err.code === 'insufficient_stock' && err.fields?.['items.0.quantity'] === 'only 5',
  );
  assert.throws(
    () => expectSuccess({ status: 404, body: undefined }, 'inventory'),
    (err) => err instanceof AppError && err.code === 'upstream_error',
  );
});

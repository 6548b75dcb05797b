import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import pino from 'pino';
import { ErrorBody } from '@hoptrace/contracts';
import { Conflict } from '../src/errors';
import { remainingBudget } from '../src/deadline';
import { createHttpApp, type ReadinessCheck } from '../src/http-app';
import { createAppServer, HTTP_LIMITS } from '../src/http-server';

const ORDER_ID = '6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01';
const up = async () => undefined;
const down = async () => {
  throw new Error('connection refused');
};

/** Serves an app with the shared middleware in-process on 127.0.0.1, on a port the OS picks. */
async function serve(readiness: ReadinessCheck[] = []): Promise<{ url: string; server: Server }> {
  const app = createHttpApp({
    logger: pino({ level: 'silent' }),
    readiness,
    bodyLimitBytes: 1024,
    routes: (router) => {
      router.post('/echo', (ctx) => {
        ctx.body = { received: ctx.request.body };
      });
      router.get('/boom', () => {
        throw new Error('password=hunter2 leaked from a stack');
      });
      router.get('/db-down', () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
      });
      router.get('/conflict', () => {
        throw new Conflict('insufficient_stock', 'not enough stock', { 'items.0.quantity': 'only 5' }).forOrder(ORDER_ID);
      });
    },
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

let url: string;
let server: Server;
before(async () => {
  ({ url, server } = await serve());
});
after(() => close(server));

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(url + path, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
}
const postJson = (path: string, body: string) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('a JSON body is parsed and handed to the route', async () => {
  const res = await postJson('/echo', JSON.stringify({ sku: 'MUG-01', quantity: 2 }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { received: { sku: 'MUG-01', quantity: 2 } });
});

test('a body that is not JSON is a 400 invalid_json naming body', async () => {
  const res = await postJson('/echo', '{"sku": ');
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'invalid_json');
  assert.deepEqual(Object.keys(res.body.error.fields), ['body']);
});

test('a body over the limit is a 400 body_too_large naming body', async () => {
  const res = await postJson('/echo', JSON.stringify({ note: 'x'.repeat(2000) }));
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'body_too_large');
  assert.deepEqual(Object.keys(res.body.error.fields), ['body']);
});

test('a chunked body that grows over the limit is a 400 body_too_large', async () => {
  const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(
      `${url}/echo`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.write(`{"note":"${'x'.repeat(800)}`);
    req.end(`${'y'.repeat(800)}"}`);
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, 'body_too_large');
});

test('a body that is not application/json is a 400 unsupported_media_type', async () => {
  const res = await call('/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'unsupported_media_type');
});

test('an unknown route is a JSON 404', async () => {
  const res = await call('/nowhere');
  assert.equal(res.status, 404);
  assert.match(res.type, /application\/json/);
  assert.deepEqual(res.body, { error: { code: 'not_found', message: 'GET /nowhere not found' } });
});

test('a method the route does not allow is a 405 in the JSON error shape, with Allow', async () => {
  const res = await fetch(`${url}/echo`, { method: 'GET' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'POST');
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = ErrorBody.parse(await res.json());
  assert.equal(typeof body.error.code, 'string');
});

test('a thrown plain Error is a 500 internal_error that does not leak its message', async () => {
  const res = await call('/boom');
  assert.equal(res.status, 500);
  assert.deepEqual(res.body, { error: { code: 'internal_error', message: 'internal error' } });
  assert.ok(!JSON.stringify(res.body).includes('hunter2'));
});

test('a database that refuses connections is a 503 dependency_unavailable', async () => {
  const res = await call('/db-down');
  assert.equal(res.status, 503);
  assert.equal(res.body.error.code, 'dependency_unavailable');
  assert.match(res.body.error.message, /^database is unavailable/);
});

test('an AppError answers its status, code, fields and order id', async () => {
  const res = await call('/conflict');
  assert.equal(res.status, 409);
  assert.deepEqual(res.body, {
    error: { code: 'insufficient_stock', message: 'not enough stock', fields: { 'items.0.quantity': 'only 5' } },
    orderId: ORDER_ID,
  });
});

test('/healthz answers alive', async () => {
  const res = await call('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'alive' });
});

test('/readyz is 503 when a required check fails', async () => {
  const s = await serve([
    { name: 'database', required: true, check: down },
    { name: 'kafka', required: false, check: up },
  ]);
  try {
    const res = await fetch(`${s.url}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), {
      status: 'not ready',
      checks: { database: 'down: connection refused', kafka: 'up' },
    });
  } finally {
    await close(s.server);
  }
});

test('/readyz is 200 when only an optional check fails, and reports it', async () => {
  const s = await serve([
    { name: 'database', required: true, check: up },
    { name: 'kafka', required: false, check: down },
  ]);
  try {
    const res = await fetch(`${s.url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: 'ready',
      checks: { database: 'up', kafka: 'down: connection refused' },
    });
  } finally {
    await close(s.server);
  }
});

test('a header block over the limit is a 431 in the JSON error shape, not a bare status line', async () => {
  const server = createAppServer(createHttpApp({ logger: pino({ level: 'silent' }), readiness: [], routes: () => {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect((server.address() as AddressInfo).port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (c) => {
          answer += c;
        });
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    const big = await raw(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(HTTP_LIMITS.maxHeaderSize + 10)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.equal(ErrorBody.parse(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).error.code, 'header_too_large');
    const garbage = await raw('GET /healthz HTTP/1.1\r\nhost: x\r\nbad\u0000header: 1\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.equal(ErrorBody.parse(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).error.code, 'malformed_request');
  } finally {
    await close(server);
  }
});

test("at the edge the request budget is the edge's own, whatever budget header a client sends; inside, the caller's", async () => {
  const budgets = async (requestBudgetMs: number | undefined, header: string) => {
    const app = createHttpApp({
      logger: pino({ level: 'silent' }),
      readiness: [],
      bodyLimitBytes: 1024,
      requestBudgetMs,
      routes: (router) => {
        router.get('/budget', (ctx) => {
          ctx.body = { left: remainingBudget() };
        });
      },
    });
    const edge = createServer(app.callback());
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(edge.address() as AddressInfo).port}/budget`, {
        headers: { 'x-hoptrace-budget-ms': header },
      });
      return ((await res.json()) as { left?: number }).left;
    } finally {
      await close(edge);
    }
  };
  const atEdge = await budgets(5000, '3');
  assert.ok(atEdge !== undefined && atEdge > 4000, `a stranger's 3 ms budget shortened the edge's 5 s one: ${atEdge} ms left`);
  const inside = await budgets(undefined, '300');
  assert.ok(inside !== undefined && inside <= 300 && inside > 200, `inside the stack the caller's budget applies: ${inside} ms left`);
});

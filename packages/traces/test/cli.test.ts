import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main, parseDurationMs } from '../src/cli';
import { JaegerClient, JaegerError, type JaegerTrace } from '../src/jaeger';
import { completeOrderSpans, jaegerTrace, OTHER_TRACE_ID, TRACE_ID } from './fixtures';

/** A fake Jaeger query service answering the way v2.13's does, errors included. */
const CLEAN = jaegerTrace(TRACE_ID, completeOrderSpans());
const ORPHANED = jaegerTrace(OTHER_TRACE_ID, [
  {
    id: 'a',
    parent: 'gone',
    service: 'gateway',
    name: 'GET /health',
    kind: 'server',
    tags: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'url.path': '/health' },
  },
]);
const TRACES: Record<string, JaegerTrace> = { [TRACE_ID]: CLEAN, [OTHER_TRACE_ID]: ORPHANED };
const requests: string[] = [];
let server: Server;
let baseUrl: string;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const byId = /^\/api\/traces\/(\w+)$/.exec(url.pathname);
    if (byId?.[1]) {
      const trace = TRACES[byId[1]];
      return trace ? send(200, { data: [trace] }) : send(404, { data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    }
    if (url.pathname === '/api/services') return send(200, { data: ['orders', 'gateway', 'jaeger'] });
    if (url.pathname === '/api/traces') {
      if (url.searchParams.get('limit') === '0')
        return send(500, {
          data: null,
          errors: [{ code: 500, msg: 'search depth must be greater than 0 and less than max traces' }],
        });
      if (url.searchParams.has('tags')) return send(200, { data: [] });
      return send(200, { data: url.searchParams.get('service') === 'gateway' ? [CLEAN, ORPHANED] : [CLEAN] });
    }
    send(404, { data: null });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const quietly = async (argv: string[]): Promise<number> => {
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write;
  console.log = () => {};
  console.error = () => {};
  process.stderr.write = () => true;
  try {
    return await main(argv);
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
};

test('an unknown trace id reads as undefined, not as an error', async () => {
  assert.equal(await new JaegerClient({ baseUrl }).getTrace('00000000000000000000000000000abc'), undefined);
});

test('a window search asks every service but Jaeger itself and returns each trace once', async () => {
  requests.length = 0;
  const found = await new JaegerClient({ baseUrl }).findTracesInWindow({ startUs: 1, endUs: 2, limit: 10 });
  assert.deepEqual(found.map((t) => t.traceID).sort(), [OTHER_TRACE_ID, TRACE_ID].sort());
  assert.deepEqual(
    requests.filter((r) => r.startsWith('/api/traces?')).map((r) => new URLSearchParams(r.split('?')[1]).get('service')),
    ['orders', 'gateway'],
  );
});

test("Jaeger's error message is passed on", async () => {
  await assert.rejects(
    new JaegerClient({ baseUrl }).findTraces({ service: 'orders', startUs: 1, endUs: 2, limit: 0 }),
    /answered 500 .*search depth must be greater than 0/,
  );
});

test('a Jaeger nobody listens on is reported as unreachable', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(
    new JaegerClient({ baseUrl: url }).services(),
    (error: unknown) => error instanceof JaegerError && error.message === `Jaeger at ${url} is unreachable (ECONNREFUSED)`,
  );
});

test('the CLI exits 0 for a clean trace, 1 for findings, 2 for a missing trace or bad usage', async () => {
  assert.equal(await quietly(['--jaeger', baseUrl, '--trace', TRACE_ID]), 0);
  assert.equal(await quietly(['--jaeger', baseUrl, '--trace', OTHER_TRACE_ID]), 1);
  assert.equal(await quietly(['--jaeger', baseUrl, '--trace', '00000000000000000000000000000abc']), 2);
  assert.equal(await quietly(['--jaeger', baseUrl, '--since', '10m']), 1, 'the window holds the orphaned trace');
  assert.equal(await quietly(['--jaeger', baseUrl]), 2);
  assert.equal(await quietly(['--jaeger', baseUrl, '--trace', 'not-an-id']), 2);
});

test('waiting for a trace goes on until it appears and satisfies the completeness test', async () => {
  const jaeger = new JaegerClient({ baseUrl });
  let calls = 0;
  const started = Date.now();
  const trace = await jaeger.waitForTrace(TRACE_ID, 5_000, { settleMs: 0, isComplete: () => ++calls >= 3 });
  assert.equal(trace?.traceID, TRACE_ID);
  assert.equal(calls, 3);
  assert.ok(Date.now() - started >= 900, 'it polled twice more, 500 ms apart');
  assert.equal(await jaeger.waitForTrace('00000000000000000000000000000abc', 600, { settleMs: 0 }), undefined);
});

test('durations read as ms, s, m, h and d', () => {
  assert.equal(parseDurationMs('10m'), 600_000);
  assert.equal(parseDurationMs('90s'), 90_000);
  assert.equal(parseDurationMs('1.5h'), 5_400_000);
  assert.throws(() => parseDurationMs('10'), /--since wants a duration/);
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { rawRequest } from '../support/raw-http';
import { hostPort } from '../support/stack';

/**
 * Our own runner for the Level 1 cases of the W3C Trace Context test suite (w3c/trace-context,
 * test/test.py): each case sends trace headers to the gateway's test-service endpoint
 * (POST /__w3c/test, on when the stack runs with HOPTRACE_W3C_HARNESS=1), which calls back this
 * file's server from inside the request's trace context; the case checks the headers the callback
 * carried. 37 TraceContextTest cases and 3 AdvancedTest cases, as the suite counts them.
 */
const [host, port] = hostPort('gateway', 8080).split(':') as [string, string];
const T = '12345678901234567890123456789012';
const TP = `00-${T}-1234567890123456-01`;
const TP0 = `00-${T}-1234567890123456-00`;

let callbacks: Server;
let base: string;
const received = new Map<string, [string, string][]>();

before(async () => {
  callbacks = createServer((req, res) => {
    const pairs: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    received.set(req.url ?? '', pairs);
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}`;
  const probe = await rawRequest({
    host,
    port: Number(port),
    method: 'POST',
    path: '/__w3c/test',
    headers: [['content-type', 'application/json']],
    body: '[]',
  });
  assert.equal(
    probe.status,
    200,
    `POST /__w3c/test answered ${probe.status}: the running stack was started without HOPTRACE_W3C_HARNESS=1. ` +
      'npm test starts its own stack with it; for a stack you started, restart it with `HOPTRACE_W3C_HARNESS=1 npm start`',
  );
});
after(() => new Promise<void>((resolve) => callbacks.close(() => resolve())));

interface Callback {
  traceId: string;
  parentId: string;
  flags: string;
  state: Map<string, string>;
  stateText: string;
}
let sequence = 0;

/** Sends `headers` to the test service asking for `count` callbacks; returns what each callback carried. */
async function request(headers: [string, string][], count = 1): Promise<Callback[]> {
  const ids = Array.from({ length: count }, () => `/cb/${++sequence}`);
  const res = await rawRequest({
    host,
    port: Number(port),
    method: 'POST',
    path: '/__w3c/test',
    headers: [['content-type', 'application/json'], ...headers],
    body: JSON.stringify(ids.map((id) => ({ url: `${base}${id}`, arguments: [] }))),
  });
  assert.equal(res.status, 200, `the test service answered ${res.status}: ${res.body}`);
  return ids.map((id) => {
    const pairs = received.get(id);
    assert.ok(pairs, `no callback to ${id}`);
    const parents = pairs.filter(([k]) => k.toLowerCase() === 'traceparent').map(([, v]) => v);
    assert.equal(parents.length, 1, `expected one traceparent, got ${JSON.stringify(parents)}`);
    const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(parents[0]!);
    assert.ok(m, `the callback's traceparent is valid: ${parents[0]}`);
    const stateText = pairs
      .filter(([k]) => k.toLowerCase() === 'tracestate')
      .map(([, v]) => v)
      .join(',');
    const state = new Map<string, string>();
    for (const member of stateText
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const eq = member.indexOf('=');
      state.set(member.slice(0, eq), member.slice(eq + 1));
    }
    assert.notEqual(m[2], '0'.repeat(32));
    return { traceId: m[2]!, parentId: m[3]!, flags: m[4]!, state, stateText };
  });
}
const one = async (headers: [string, string][]) => (await request(headers))[0]!;
const keeps = async (value: string, name = 'traceparent') =>
  assert.equal((await one([[name, value]])).traceId, T, `${name}: ${value} is kept`);
const restarts = async (value: string, name = 'traceparent') =>
  assert.notEqual((await one([[name, value]])).traceId, T, `${name}: ${value} restarts the trace`);
const stateOf = async (...states: string[]) => {
  const cb = await one([['traceparent', TP0], ...states.map((s) => ['tracestate', s] as [string, string])]);
  assert.equal(cb.traceId, T);
  return cb.state;
};
const discarded = async (...states: string[]) =>
  assert.equal((await stateOf(...states)).size, 0, `tracestate ${states.join(' | ').slice(0, 80)} is discarded`);

const cases: [string, () => Promise<void>][] = [
  [
    'both traceparent and tracestate missing',
    async () => {
      await one([]);
    },
  ],
  [
    'traceparent included, tracestate missing',
    async () => {
      const cb = await one([['traceparent', TP]]);
      assert.equal(cb.traceId, T);
      assert.notEqual(cb.parentId, '1234567890123456');
    },
  ],
  [
    'traceparent duplicated',
    async () => {
      const cb = await one([
        ['traceparent', `00-${T.replace(/2$/, '1')}-1234567890123456-01`],
        ['traceparent', TP],
      ]);
      assert.notEqual(cb.traceId, T);
      assert.notEqual(cb.traceId, T.replace(/2$/, '1'));
    },
  ],
  [
    'traceparent header name',
    async () => {
      await restarts(TP, 'trace-parent');
      await restarts(TP, 'trace.parent');
    },
  ],
  [
    'traceparent header name valid casing',
    async () => {
      for (const n of ['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT']) await keeps(TP, n);
    },
  ],
  [
    'traceparent version 0x00',
    async () => {
      await restarts(`${TP}.`);
      await restarts(`${TP}-what-the-future-will-be-like`);
    },
  ],
  [
    'traceparent version 0xcc',
    async () => {
      await keeps(`cc-${T}-1234567890123456-01`);
      await keeps(`cc-${T}-1234567890123456-01-what-the-future-will-be-like`);
      await restarts(`cc-${T}-1234567890123456-01.what-the-future-will-be-like`);
    },
  ],
  [
    'traceparent version 0xff',
    async () => {
      await restarts(`ff-${T}-1234567890123456-01`);
    },
  ],
  [
    'traceparent version illegal characters',
    async () => {
      await restarts(`.0-${T}-1234567890123456-01`);
      await restarts(`0.-${T}-1234567890123456-01`);
    },
  ],
  [
    'traceparent version too long',
    async () => {
      await restarts(`000-${T}-1234567890123456-01`);
      await restarts(`0000-${T}-1234567890123456-01`);
    },
  ],
  [
    'traceparent version too short',
    async () => {
      await restarts(`0-${T}-1234567890123456-01`);
    },
  ],
  [
    'traceparent trace_id all zero',
    async () => {
      await restarts(`00-${'0'.repeat(32)}-1234567890123456-01`);
    },
  ],
  [
    'traceparent trace_id illegal characters',
    async () => {
      await restarts(`00-.${T.slice(1)}-1234567890123456-01`);
      await restarts(`00-${T.slice(0, 31)}.-1234567890123456-01`);
    },
  ],
  [
    'traceparent trace_id too long',
    async () => {
      const cb = await one([['traceparent', `00-${T}3-1234567890123456-01`]]);
      assert.notEqual(cb.traceId, T);
      assert.notEqual(cb.traceId, `${T}3`.slice(1));
    },
  ],
  [
    'traceparent trace_id too short',
    async () => {
      await restarts(`00-${T.slice(0, 31)}-1234567890123456-01`);
    },
  ],
  [
    'traceparent parent_id all zero',
    async () => {
      await restarts(`00-${T}-${'0'.repeat(16)}-01`);
    },
  ],
  [
    'traceparent parent_id illegal characters',
    async () => {
      await restarts(`00-${T}-.234567890123456-01`);
      await restarts(`00-${T}-123456789012345.-01`);
    },
  ],
  [
    'traceparent parent_id too long',
    async () => {
      await restarts(`00-${T}-12345678901234567-01`);
    },
  ],
  [
    'traceparent parent_id too short',
    async () => {
      await restarts(`00-${T}-123456789012345-01`);
    },
  ],
  [
    'traceparent trace_flags illegal characters',
    async () => {
      await restarts(`00-${T}-1234567890123456-.0`);
      await restarts(`00-${T}-1234567890123456-0.`);
    },
  ],
  [
    'traceparent trace_flags too long',
    async () => {
      await restarts(`00-${T}-1234567890123456-001`);
    },
  ],
  [
    'traceparent trace_flags too short',
    async () => {
      await restarts(`00-${T}-1234567890123456-1`);
    },
  ],
  [
    'traceparent OWS handling',
    async () => {
      for (const v of [` ${TP}`, `\t${TP}`, `${TP} `, `${TP}\t`, `\t ${TP} \t`]) await keeps(v);
    },
  ],
  [
    'tracestate included, traceparent missing',
    async () => {
      const a = await one([['tracestate', 'foo=1']]);
      const b = await one([['tracestate', 'foo=1,bar=2']]);
      assert.equal(a.state.size, b.state.size);
    },
  ],
  [
    'tracestate included, traceparent included',
    async () => {
      const s = await stateOf('foo=1,bar=2');
      assert.equal(s.get('foo'), '1');
      assert.equal(s.get('bar'), '2');
    },
  ],
  [
    'tracestate header name',
    async () => {
      for (const n of ['trace-state', 'trace.state'])
        assert.equal(
          (
            await one([
              ['traceparent', TP0],
              [n, 'foo=1'],
            ])
          ).state.get('foo'),
          undefined,
        );
    },
  ],
  [
    'tracestate header name valid casing',
    async () => {
      for (const n of ['TraceState', 'TrAcEsTaTe', 'TRACESTATE'])
        assert.equal(
          (
            await one([
              ['traceparent', TP0],
              [n, 'foo=1'],
            ])
          ).state.get('foo'),
          '1',
        );
    },
  ],
  [
    'tracestate empty header',
    async () => {
      const empty = await one([
        ['traceparent', TP0],
        ['tracestate', ''],
      ]);
      assert.equal(empty.traceId, T);
      assert.equal((await stateOf('foo=1', '')).get('foo'), '1');
      assert.equal((await stateOf('', 'foo=1')).get('foo'), '1');
    },
  ],
  [
    'tracestate multiple headers different keys',
    async () => {
      const cb = await one([
        ['traceparent', TP0],
        ['tracestate', 'foo=1,bar=2'],
        ['tracestate', 'rojo=1,congo=2'],
        ['tracestate', 'baz=3'],
      ]);
      const order = ['foo=1', 'bar=2', 'rojo=1', 'congo=2', 'baz=3'].map((m) => cb.stateText.indexOf(m));
      assert.ok(
        order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)),
        cb.stateText,
      );
    },
  ],
  [
    'tracestate duplicated keys',
    async () => {
      await discarded('foo=1,foo=1');
      await discarded('foo=1,foo=2');
      await discarded('foo=1', 'foo=1');
      await discarded('foo=1', 'foo=2');
    },
  ],
  [
    'tracestate all allowed characters',
    async () => {
      const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
      const chars = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');
      const value = chars(0x20, 0x2b) + chars(0x2d, 0x3c) + chars(0x3e, 0x7e);
      assert.equal((await stateOf(`${key}=${value}`)).get(key), value);
      assert.equal((await stateOf(`${key}@a-z0-9_-*/=${value}`)).get(`${key}@a-z0-9_-*/`), value);
    },
  ],
  [
    'tracestate OWS handling',
    async () => {
      for (const v of ['foo=1 \t , \t bar=2, \t baz=3', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3']) {
        const s = await stateOf(v);
        assert.deepEqual([s.get('foo'), s.get('bar'), s.get('baz')], ['1', '2', '3']);
      }
      for (const v of [' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t']) assert.equal((await stateOf(v)).get('foo'), '1');
    },
  ],
  [
    'tracestate key illegal characters',
    async () => {
      assert.equal((await stateOf('foo =1')).get('foo '), undefined);
      assert.equal((await stateOf('FOO=1')).get('FOO'), undefined);
      assert.equal((await stateOf('foo.bar=1')).get('foo.bar'), undefined);
    },
  ],
  [
    'tracestate key illegal vendor format',
    async () => {
      for (const v of ['foo@=1,bar=2', '@foo=1,bar=2', 'foo@@bar=1,bar=2', 'foo@bar@baz=1,bar=2'])
        assert.equal((await stateOf(v)).get('bar'), undefined, v);
    },
  ],
  [
    'tracestate member count limit',
    async () => {
      const members = (from: number, to: number) =>
        Array.from(
          { length: to - from + 1 },
          (_, i) => `bar${String(from + i).padStart(2, '0')}=${String(from + i).padStart(2, '0')}`,
        ).join(',');
      const kept = await stateOf(members(1, 10), members(11, 20), members(21, 30), members(31, 32));
      assert.equal(kept.get('bar01'), '01');
      assert.equal(kept.size, 32);
      assert.equal((await stateOf(members(1, 10), members(11, 20), members(21, 30), members(31, 33))).get('bar01'), undefined);
    },
  ],
  [
    'tracestate key length limit',
    async () => {
      assert.equal((await stateOf('foo=1', `${'z'.repeat(256)}=1`)).get('foo'), '1');
      assert.equal((await stateOf('foo=1', `${'z'.repeat(257)}=1`)).get('foo'), undefined);
      assert.equal((await stateOf('foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`)).get('foo'), '1');
      assert.equal((await stateOf('foo=1', `${'t'.repeat(242)}@v=1`)).get('foo'), undefined);
      assert.equal((await stateOf('foo=1', `t@${'v'.repeat(15)}=1`)).get('foo'), undefined);
    },
  ],
  [
    'tracestate value illegal characters',
    async () => {
      assert.equal((await stateOf('foo=bar=baz')).get('foo'), undefined);
      const s = await stateOf('foo=,bar=3');
      assert.equal(s.get('foo'), undefined);
      assert.equal(s.get('bar'), undefined);
    },
  ],
  [
    'multiple requests with valid traceparent',
    async () => {
      const cbs = await request([['traceparent', TP]], 3);
      assert.deepEqual([...new Set(cbs.map((c) => c.traceId))], [T]);
      assert.equal(new Set(cbs.map((c) => c.parentId)).size, 3);
    },
  ],
  [
    'multiple requests without traceparent',
    async () => {
      assert.equal(new Set((await request([], 3)).map((c) => c.parentId)).size, 3);
    },
  ],
  [
    'multiple requests with illegal traceparent',
    async () => {
      const cbs = await request([['traceparent', `00-${'0'.repeat(32)}-1234567890123456-01`]], 3);
      assert.ok(!cbs.some((c) => c.traceId === '0'.repeat(32)));
      assert.equal(new Set(cbs.map((c) => c.parentId)).size, 3);
    },
  ],
];

let passed = 0;
for (const [name, run] of cases)
  test(`W3C Trace Context Level 1: ${name}`, async () => {
    await run();
    passed++;
  });
test('the whole Level 1 suite passes', () => {
  console.log(`# W3C Trace Context Level 1: ${passed} of ${cases.length} cases passed`);
  assert.equal(cases.length, 40);
  assert.equal(passed, cases.length);
});

test('the harness calls loopback URLs only', async () => {
  const res = await rawRequest({
    host,
    port: Number(port),
    method: 'POST',
    path: '/__w3c/test',
    headers: [['content-type', 'application/json']],
    body: JSON.stringify([{ url: 'http://192.0.2.1/', arguments: [] }]),
  });
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error.code, 'url_not_allowed');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEventAttributes, formatDuration, transportOf } from '../src/lib/trace-format';

test('durations read in the largest unit that keeps them under 1000, three significant digits', () => {
  assert.deepEqual([0, 850, 1234, 12_345, 123_456, 1_250_000, 75_000_000].map(formatDuration), [
    '0 ms',
    '850 µs',
    '1.23 ms',
    '12.3 ms',
    '123 ms',
    '1.25 s',
    '75 s',
  ]);
});

test('rounding up to 1000 moves to the next unit', () => {
  assert.equal(formatDuration(999.6), '1 ms');
  assert.equal(formatDuration(999_700), '1 s');
});

test('negative and unusable durations still print something sensible', () => {
  assert.equal(formatDuration(-1500), '−1.5 ms');
  assert.equal(formatDuration(Number.NaN), '–');
});

test('event attributes are one line without the stack trace, long values and long lists cut short', () => {
  assert.equal(
    describeEventAttributes({ 'exception.type': 'Error', 'exception.stacktrace': 'at x\nat y', attempt: 2 }),
    'exception.type=Error, attempt=2',
  );
  assert.equal(describeEventAttributes({ 'exception.message': 'x'.repeat(100) }), `exception.message=${'x'.repeat(79)}…`);
  assert.equal(describeEventAttributes({ a: 1, b: 2, c: 3, d: 4, e: 5, f: true }), 'a=1, b=2, c=3, d=4 (+2 more)');
  assert.equal(describeEventAttributes({}), '');
});

test('each span is labelled with the transport its attributes name: HTTP, gRPC, Kafka or SQL, or none', () => {
  assert.equal(
    transportOf({ kind: 'client', attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:8081/orders' } }),
    'HTTP',
  );
  assert.equal(
    transportOf({
      kind: 'client',
      attributes: { 'rpc.system': 'grpc', 'rpc.service': 'hoptrace.payments.v1.Payments', 'rpc.method': 'Charge' },
    }),
    'gRPC',
  );
  assert.equal(transportOf({ kind: 'server', attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0 } }), 'gRPC');
  assert.equal(transportOf({ kind: 'producer', attributes: { 'messaging.system': 'kafka' } }), 'Kafka');
  assert.equal(transportOf({ kind: 'client', attributes: { 'db.system.name': 'postgresql' } }), 'SQL');
  assert.equal(transportOf({ kind: 'internal', attributes: { 'http.route': '/orders' } }), undefined, 'a koa router layer is no hop');
  assert.equal(transportOf({ attributes: {} }), undefined);
});

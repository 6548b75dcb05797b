import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jaegerTraceUrl, orderPath, parseRoute } from '../src/lib/route';

test('the root path is the shop', () => {
  assert.deepEqual(parseRoute('/'), { page: 'shop' });
});

test('/orders/<id> is the order page, with or without a trailing slash', () => {
  assert.deepEqual(parseRoute('/orders/3f2a-9'), { page: 'order', orderId: '3f2a-9' });
  assert.deepEqual(parseRoute('/orders/3f2a-9/'), { page: 'order', orderId: '3f2a-9' });
});

test('/chaos is the chaos page, with or without a trailing slash', () => {
  assert.deepEqual(parseRoute('/chaos'), { page: 'chaos' });
  assert.deepEqual(parseRoute('/chaos/'), { page: 'chaos' });
});

test('other paths, including malformed order paths, are not found', () => {
  for (const path of ['/orders', '/orders/', '/orders/a/b', '/cart', '/chaos/rules', '/orders/%E0%A4%A']) {
    assert.deepEqual(parseRoute(path), { page: 'not-found' }, path);
  }
});

test('order paths round-trip through parseRoute', () => {
  assert.deepEqual(parseRoute(orderPath('a b/c')), { page: 'order', orderId: 'a b/c' });
});

test('the Jaeger link is <ui>/trace/<traceId>, whether or not the UI URL ends in a slash', () => {
  assert.equal(jaegerTraceUrl('http://localhost:16686', 'abc123'), 'http://localhost:16686/trace/abc123');
  assert.equal(jaegerTraceUrl('http://localhost:16686/', 'abc123'), 'http://localhost:16686/trace/abc123');
});

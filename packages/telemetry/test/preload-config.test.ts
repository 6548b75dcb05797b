import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyAttributes, untracedPaths } from '../src/preload-config';

test('HOPTRACE_UNTRACED_PATHS: exact paths, one-segment parameters, trailing wildcards, queries ignored', () => {
  const untraced = untracedPaths('/healthz, /readyz,/metrics,/otlp/*,/api/orders/:id/trace');
  for (const url of [
    '/healthz',
    '/readyz?verbose=1',
    '/metrics',
    '/otlp/v1/traces',
    '/otlp/',
    '/api/orders/6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01/trace',
    '/api/orders/x/trace?a=b',
  ]) {
    assert.ok(untraced(url), url);
  }
  for (const url of [
    '/',
    '/api/orders',
    '/api/orders/x',
    '/api/orders/x/y/trace',
    '/api/orders//trace',
    '/otlp',
    '/healthz/x',
    '/metricsx',
    '/api/products',
  ]) {
    assert.ok(!untraced(url), url);
  }
});

test('HOPTRACE_UNTRACED_PATHS unset or empty traces everything; regex characters are literal', () => {
  assert.equal(untracedPaths(undefined)('/healthz'), false);
  assert.equal(untracedPaths(' , ')('/healthz'), false);
  assert.equal(untracedPaths('/a.b')('/axb'), false);
});

test('HOPTRACE_KAFKA_KEY_ATTRIBUTES names the attribute for the topics it matches', () => {
  const attribute = keyAttributes('orders.*=order.id, payments.events=payment.id');
  assert.equal(attribute('orders.placed'), 'order.id');
  assert.equal(attribute('orders.placed.dlq'), 'order.id');
  assert.equal(attribute('payments.events'), 'payment.id');
  assert.equal(attribute('ordersXplaced'), undefined);
  assert.equal(attribute('other'), undefined);
  assert.equal(keyAttributes(undefined)('orders.placed'), undefined);
  assert.throws(() => keyAttributes('orders.*'), /not <topic>=<attribute>/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultBaggage, nextOrderHeaders, parseStoredFault, validateNextFault } from '../src/lib/next-fault';

test('no service means no fault for the next order', () => {
  assert.deepEqual(validateNextFault({ service: '', kind: 'error', param: '' }), { ok: true, fault: null });
});

test('a fault is a known service and kind, with milliseconds for latency only', () => {
  assert.deepEqual(validateNextFault({ service: 'payments', kind: 'error', param: '5' }), {
    ok: true,
    fault: { service: 'payments', kind: 'error' },
  });
  assert.deepEqual(validateNextFault({ service: 'orders', kind: 'latency', param: '300' }), {
    ok: true,
    fault: { service: 'orders', kind: 'latency', param: 300 },
  });
  assert.ok(!validateNextFault({ service: 'orders', kind: 'latency', param: '' }).ok, 'latency without a delay');
  assert.ok(!validateNextFault({ service: 'billing', kind: 'error', param: '' }).ok, 'unknown service');
  assert.ok(!validateNextFault({ service: 'orders', kind: 'boom', param: '' }).ok, 'unknown kind');
});

test('the baggage entry is hoptrace.fault.<service>=<kind>[:<ms>]', () => {
  assert.equal(faultBaggage({ service: 'payments', kind: 'error' }), 'hoptrace.fault.payments=error');
  assert.equal(faultBaggage({ service: 'inventory', kind: 'latency', param: 1500 }), 'hoptrace.fault.inventory=latency:1500');
});

test('the order carries the baggage and the token only when both are there', () => {
  const fault = { service: 'payments', kind: 'error' } as const;
  assert.deepEqual(nextOrderHeaders(fault, 's3cret'), { baggage: 'hoptrace.fault.payments=error', authorization: 'Bearer s3cret' });
  assert.deepEqual(nextOrderHeaders(null, 's3cret'), {});
  assert.deepEqual(nextOrderHeaders(fault, null), {});
});

test('a stored fault round-trips; anything else stored reads as none', () => {
  const fault = { service: 'fulfillment', kind: 'latency', param: 250 } as const;
  assert.deepEqual(parseStoredFault(JSON.stringify(fault)), fault);
  for (const raw of [null, '', 'payments=error', '[]', '{"service":"payments"}', '{"service":"x","kind":"error"}', '{"kind":"error"}']) {
    assert.equal(parseStoredFault(raw), null, String(raw));
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultBaggage, faulted, mixSequence, parseFault, parseMix } from '../workload';

test('a mix of order=1,browse=3,status=3 interleaves every seventh arrival as an order', () => {
  const next = mixSequence(parseMix('order=1,browse=3,status=3'));
  const first = Array.from({ length: 700 }, (_, i) => next(i));
  assert.equal(first.filter((a) => a === 'order').length, 100);
  assert.equal(first.filter((a) => a === 'browse').length, 300);
  // Spread out, not in runs: no seven-arrival stretch lacks an order.
  for (let i = 0; i + 7 <= first.length; i += 7) assert.ok(first.slice(i, i + 7).includes('order'), `arrivals ${i}..${i + 6}`);
});

test('a mix names only known actions with non-negative weights', () => {
  assert.throws(() => parseMix('order=1,checkout=2'), /"checkout" is not one of order, browse, status/);
  assert.throws(() => parseMix('order=-1'), /order wants a weight ≥ 0/);
  assert.throws(() => parseMix('order=0'), /at least one positive weight/);
});

test('--fault payments=error:0.1 puts the fault on exactly one order in ten', () => {
  const f = parseFault('payments=error:0.1');
  assert.deepEqual(f, { service: 'payments', fault: 'error', share: 0.1 });
  assert.equal(Array.from({ length: 1000 }, (_, n) => faulted(n, f.share)).filter(Boolean).length, 100);
  assert.deepEqual(parseFault('inventory=latency:300:0.5'), { service: 'inventory', fault: 'latency:300', share: 0.5 });
  assert.deepEqual(faultBaggage([f]), { baggage: 'hoptrace.fault.payments=error' });
});

test('a fault names a service of the shop and a share in (0, 1]', () => {
  assert.throws(() => parseFault('billing=error:0.1'), /"billing" is not one of/);
  assert.throws(() => parseFault('payments=error'), /service=kind\[:param\]:share/);
  assert.throws(() => parseFault('payments=error:1.5'), /0 < share ≤ 1/);
});

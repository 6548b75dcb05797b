import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagation, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';
import { BAGGAGE_LIMITS, LimitedBaggagePropagator, limitBaggage } from '../src/propagators';

const getter: TextMapGetter<Record<string, string | string[]>> = { get: (c, k) => c[k], keys: (c) => Object.keys(c) };
void test('baggage past 64 members or 8192 bytes is dropped, not fatal', () => {
  const many = Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(',');
  assert.equal(limitBaggage(many).split(',').length, BAGGAGE_LIMITS.members);
  const big = Array.from({ length: 20 }, (_, i) => `k${i}=${'v'.repeat(1000)}`).join(',');
  assert.ok(Buffer.byteLength(limitBaggage(big)) <= BAGGAGE_LIMITS.bytes);
  assert.equal(limitBaggage(big).split(',').length, 8);
  const p = new LimitedBaggagePropagator();
  const ctx = p.extract(ROOT_CONTEXT, { baggage: [many, 'late=1'] }, getter);
  assert.equal(propagation.getBaggage(ctx)?.getAllEntries().length, 64);
  const out: Record<string, string> = {};
  p.inject(ctx, out, {
    set: (c, k, v) => {
      (c as Record<string, string>)[k] = v;
    },
  });
  assert.equal(out.baggage?.split(',').length, 64);
});

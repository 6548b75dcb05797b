import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTerminal, timelineSteps } from '../src/lib/timeline';
import type { OrderView } from '@hoptrace/contracts';

type Events = OrderView['events'];
const states = (status: OrderView['status'], events: Events = []) => timelineSteps({ status, events }).map((s) => `${s.key}:${s.state}`);

test('a pending order has been placed and is waiting for payment', () => {
  assert.deepEqual(states('pending'), ['placed:done', 'paid:current', 'shipped:upcoming', 'completed:upcoming']);
});

test('a shipped order has placed, paid and shipped done, completion in progress', () => {
  assert.deepEqual(states('shipped'), ['placed:done', 'paid:done', 'shipped:done', 'completed:current']);
});

test('a completed order has every step done', () => {
  assert.deepEqual(states('completed'), ['placed:done', 'paid:done', 'shipped:done', 'completed:done']);
});

test('a failed order shows the steps it reached, then the failure, and not the steps it never reaches', () => {
  assert.deepEqual(
    states('failed', [
      { type: 'placed', at: 't1' },
      { type: 'failed', at: 't2' },
    ]),
    ['placed:done', 'failed:failed'],
  );
  assert.deepEqual(
    states('failed', [
      { type: 'placed', at: 't1' },
      { type: 'paid', at: 't2' },
      { type: 'failed', at: 't3' },
    ]),
    ['placed:done', 'paid:done', 'failed:failed'],
  );
  assert.deepEqual(states('failed'), ['placed:done', 'failed:failed'], 'placed even without events');
});

test('step times come from the matching events', () => {
  const steps = timelineSteps({
    status: 'paid',
    events: [
      { type: 'placed', at: '2026-01-01T10:00:00Z' },
      { type: 'paid', at: '2026-01-01T10:00:01Z' },
    ],
  });
  assert.equal(steps[0]?.at, '2026-01-01T10:00:00Z');
  assert.equal(steps[1]?.at, '2026-01-01T10:00:01Z');
  assert.equal(steps[2]?.at, undefined);
});

test('only completed and failed are terminal', () => {
  assert.deepEqual(
    ['pending', 'paid', 'shipped', 'completed', 'failed'].filter((s) => isTerminal(s as OrderView['status'])),
    ['completed', 'failed'],
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, startPolling, type Schedule } from '../src/lib/poller';

/** A schedule that records delays and lets the test fire the next tick by hand. */
function manualSchedule() {
  const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (run, ms) => {
    const entry = { run, ms, cancelled: false };
    pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  const fireNext = async () => {
    const entry = pending.shift();
    assert.ok(entry, 'a tick should be scheduled');
    if (!entry.cancelled) entry.run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { schedule, pending, fireNext };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('error backoff doubles from the interval and is capped', () => {
  assert.equal(backoffDelay(0), 1000);
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => backoffDelay(n)),
    [2000, 4000, 8000, 16000],
  );
  assert.equal(backoffDelay(10), 30_000);
});

test('polling repeats every interval and stops once the value is final', async () => {
  const values = ['pending', 'paid', 'completed'];
  const seen: string[] = [];
  const timers = manualSchedule();
  startPolling({
    load: async () => values.shift()!,
    onValue: (v) => seen.push(v),
    onError: () => assert.fail('no errors expected'),
    isDone: (v) => v === 'completed',
    schedule: timers.schedule,
  });
  await settle();
  await timers.fireNext();
  await timers.fireNext();
  assert.deepEqual(seen, ['pending', 'paid', 'completed']);
  assert.equal(timers.pending.length, 0, 'nothing scheduled after the final value');
});

test('consecutive errors back off, and a success resets the delay', async () => {
  const results: (string | Error)[] = [new Error('down'), new Error('down'), 'pending', 'completed'];
  const delays: number[] = [];
  const timers = manualSchedule();
  startPolling({
    load: async () => {
      const next = results.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
    onValue: () => {},
    onError: (_e, ms) => delays.push(ms),
    isDone: (v) => v === 'completed',
    schedule: timers.schedule,
  });
  await settle();
  assert.equal(timers.pending[0]?.ms, 2000);
  await timers.fireNext();
  assert.equal(timers.pending[0]?.ms, 4000);
  await timers.fireNext();
  assert.equal(timers.pending[0]?.ms, 1000, 'back to the normal interval after a success');
  assert.deepEqual(delays, [2000, 4000]);
});

test('stopping cancels the scheduled tick and aborts the request in flight', async () => {
  const timers = manualSchedule();
  let signal: AbortSignal | undefined;
  const poller = startPolling({
    load: async (s) => {
      signal = s;
      return 'pending';
    },
    onValue: () => {},
    onError: () => {},
    isDone: () => false,
    schedule: timers.schedule,
  });
  await settle();
  poller.stop();
  assert.equal(timers.pending[0]?.cancelled, true);
  assert.equal(signal?.aborted, true);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialTraceWatch, MAX_WAIT_AFTER_END_MS, observeTracePoll, type TracePoll } from '../src/lib/trace-watch';

/** Feeds polls in order and returns whether each one ended the watch. */
function run(polls: Omit<TracePoll, 'nowMs'>[], intervalMs = 2000): boolean[] {
  let watch = initialTraceWatch;
  return polls.map((poll, i) => {
    const result = observeTracePoll(watch, { ...poll, nowMs: i * intervalMs });
    watch = result.watch;
    return result.done;
  });
}
const running = (spanCount: number | null) => ({ orderEnded: false, spanCount });
const ended = (spanCount: number | null) => ({ orderEnded: true, spanCount });

test('a running order is watched however stable its trace looks', () => {
  assert.deepEqual(run([running(3), running(3), running(3), running(3)]), [false, false, false, false]);
});

test('after the order ends, the watch stops once the span count has not changed for two polls', () => {
  assert.deepEqual(run([running(5), ended(9), ended(9), ended(9)]), [false, false, false, true]);
});

test('polls from before the end do not count towards a stable trace', () => {
  assert.deepEqual(run([running(9), running(9), ended(9), ended(9)]), [false, false, false, false]);
});

test('a span arriving late starts the count again', () => {
  assert.deepEqual(run([ended(9), ended(9), ended(11), ended(11), ended(11)]), [false, false, false, false, true]);
});

test('missing or empty traces never count as stable, but the watch gives up a minute after the end', () => {
  const polls = Array.from({ length: MAX_WAIT_AFTER_END_MS / 2000 + 1 }, (_, i) => ended(i % 2 === 0 ? null : 0));
  const done = run(polls);
  assert.equal(done.indexOf(true), polls.length - 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from '../src/circuit-breaker';
import { AppError, DependencyUnavailable } from '../src/errors';

/** A breaker on a clock the test moves, and a dependency that fails while `down` is set. */
function setup(options: { isFailure?: (err: unknown) => boolean } = {}) {
  let now = 0;
  let calls = 0;
  let down = true;
  let failure: Error = new DependencyUnavailable('payments', 'answered 503');
  const breaker = new CircuitBreaker('payments', { failureThreshold: 3, openMs: 1000, now: () => now, ...options });
  const call = () =>
    breaker.run(async () => {
      calls++;
      if (down) throw failure;
      return 'ok';
    });
  return {
    breaker,
    call,
    calls: () => calls,
    advance: (ms: number) => {
      now += ms;
    },
    up: () => {
      down = false;
    },
    down: (err?: Error) => {
      down = true;
      if (err) failure = err;
    },
  };
}

const rejected = (err: unknown) => err instanceof DependencyUnavailable && /circuit open/.test(err.message);

test('closed: failures pass through until the threshold of consecutive ones opens the circuit', async () => {
  const s = setup();
  for (let i = 0; i < 3; i++) await assert.rejects(s.call(), /answered 503/);
  assert.equal(s.breaker.state, 'open');
  assert.equal(s.calls(), 3);
});

test('open: calls are refused at once without reaching the dependency', async () => {
  const s = setup();
  for (let i = 0; i < 3; i++) await s.call().catch(() => undefined);
  await assert.rejects(s.call(), rejected);
  assert.equal(s.calls(), 3, 'not called while open');
});

test('a success resets the count: only consecutive failures open it', async () => {
  const s = setup();
  await s.call().catch(() => undefined);
  await s.call().catch(() => undefined);
  s.up();
  assert.equal(await s.call(), 'ok');
  s.down();
  await s.call().catch(() => undefined);
  await s.call().catch(() => undefined);
  assert.equal(s.breaker.state, 'closed');
});

test('after openMs one trial call is let through; its success closes the circuit', async () => {
  const s = setup();
  for (let i = 0; i < 3; i++) await s.call().catch(() => undefined);
  s.advance(999);
  assert.equal(s.breaker.state, 'open');
  s.advance(1);
  assert.equal(s.breaker.state, 'half-open');
  s.up();
  assert.equal(await s.call(), 'ok');
  assert.equal(s.breaker.state, 'closed');
});

test('a failed trial opens the circuit again for another openMs', async () => {
  const s = setup();
  for (let i = 0; i < 3; i++) await s.call().catch(() => undefined);
  s.advance(1000);
  await assert.rejects(s.call(), /answered 503/);
  assert.equal(s.breaker.state, 'open');
  await assert.rejects(s.call(), rejected);
  s.advance(1000);
  assert.equal(s.breaker.state, 'half-open');
});

test('half-open: while the trial is in flight, other calls are refused', async () => {
  const s = setup();
  for (let i = 0; i < 3; i++) await s.call().catch(() => undefined);
  s.advance(1000);
  let release!: () => void;
  const trial = s.breaker.run(
    () =>
      new Promise<string>((resolve) => {
        release = () => resolve('trial');
      }),
  );
  await assert.rejects(s.call(), rejected);
  release();
  assert.equal(await trial, 'trial');
  assert.equal(s.breaker.state, 'closed');
});

test("errors that are not the dependency's fault (a 4xx) pass through and do not count", async () => {
  const s = setup();
  s.down(new AppError(402, 'card_declined', 'declined'));
  for (let i = 0; i < 5; i++) await assert.rejects(s.call(), /declined/);
  assert.equal(s.breaker.state, 'closed');
});

test('isFailure decides what counts: per-request injected errors can be left out', async () => {
  const s = setup({
    isFailure: (err) => err instanceof DependencyUnavailable && err.upstreamCode !== 'fault_injected_request',
  });
  s.down(new DependencyUnavailable('payments', 'answered 500', 'fault_injected_request'));
  for (let i = 0; i < 5; i++) await s.call().catch(() => undefined);
  assert.equal(s.breaker.state, 'closed', 'injected per-request errors never open it');
  s.down(new DependencyUnavailable('payments', 'answered 500', 'fault_injected'));
  for (let i = 0; i < 3; i++) await s.call().catch(() => undefined);
  assert.equal(s.breaker.state, 'open', 'global faults count like real failures');
});

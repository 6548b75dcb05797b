import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChargeRequest } from '@hoptrace/contracts';
import { AppError } from '@hoptrace/kit';
import { Ledger } from '../src/ledger';

const ORDER = '6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01';
const OTHER_ORDER = '0b4c3f0e-9a5c-4d0b-8a3d-7c6e5f4a3b2c';
const VISA = '4242424242424242';
const jan2026 = () => new Date('2026-01-15T12:00:00Z');

const request = (cardNumber = VISA, amountCents = 4200, orderId = ORDER, expiry = '12/30'): ChargeRequest => ({
  orderId,
  amountCents,
  card: { cardNumber, expiry, cvc: '123' },
});

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a throw');
}

/** Every charge the ledger holds, read through its private index. */
const storedCharges = (ledger: Ledger) => [...(ledger as unknown as { byId: Map<string, unknown> }).byId.values()];

test('an approved charge is captured for the amount and order asked', () => {
  const ledger = new Ledger(jan2026);
  const { charge, replayed } = ledger.charge('key-1', request());
  assert.equal(replayed, false);
  assert.equal(charge.status, 'captured');
  assert.equal(charge.amountCents, 4200);
  assert.equal(charge.orderId, ORDER);
  assert.match(charge.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(ledger.get(charge.id), charge);
});

test('the same idempotency key replays the first charge without a second one', () => {
  const ledger = new Ledger(jan2026);
  const first = ledger.charge('key-1', request());
  const second = ledger.charge('key-1', request());
  assert.equal(second.replayed, true);
  assert.deepEqual(second.charge, first.charge);
  assert.equal(storedCharges(ledger).length, 1);
});

test('different idempotency keys make different charges', () => {
  const ledger = new Ledger(jan2026);
  const a = ledger.charge('key-1', request());
  const b = ledger.charge('key-2', request());
  assert.notEqual(a.charge.id, b.charge.id);
  assert.equal(storedCharges(ledger).length, 2);
});

test('a replay returns the first outcome even when the card has expired since', () => {
  let now = new Date('2026-12-15T00:00:00Z');
  const ledger = new Ledger(() => now);
  const first = ledger.charge('key-1', request(VISA, 4200, ORDER, '12/26'));
  now = new Date('2027-01-02T00:00:00Z');
  const second = ledger.charge('key-1', request(VISA, 4200, ORDER, '12/26'));
  assert.equal(second.replayed, true);
  assert.equal(second.charge.id, first.charge.id);
});

test('a declined card is a 402 with the decline code and stores no charge', () => {
  const ledger = new Ledger(jan2026);
  const err = thrown(() => ledger.charge('key-1', request('4000000000000002')));
  assert.equal(err.status, 402);
  assert.equal(err.code, 'card_declined');
  assert.equal(storedCharges(ledger).length, 0);
});

test('a decline replays as the same decline', () => {
  const ledger = new Ledger(jan2026);
  thrown(() => ledger.charge('key-1', request('4000000000009995')));
  const again = thrown(() => ledger.charge('key-1', request('4000000000009995')));
  assert.equal(again.status, 402);
  assert.equal(again.code, 'insufficient_funds');
  assert.equal(storedCharges(ledger).length, 0);
});

test('an expired card is declined with expired_card', () => {
  const ledger = new Ledger(jan2026);
  const err = thrown(() => ledger.charge('key-1', request(VISA, 4200, ORDER, '12/25')));
  assert.equal(err.status, 402);
  assert.equal(err.code, 'expired_card');
});

test('the same key with a different amount is a 409 idempotency_key_reused', () => {
  const ledger = new Ledger(jan2026);
  ledger.charge('key-1', request(VISA, 4200));
  const err = thrown(() => ledger.charge('key-1', request(VISA, 4300)));
  assert.equal(err.status, 409);
  assert.equal(err.code, 'idempotency_key_reused');
  assert.equal(storedCharges(ledger).length, 1);
});

test('the same key for a different order is a 409 idempotency_key_reused', () => {
  const ledger = new Ledger(jan2026);
  ledger.charge('key-1', request(VISA, 4200, ORDER));
  const err = thrown(() => ledger.charge('key-1', request(VISA, 4200, OTHER_ORDER)));
  assert.equal(err.status, 409);
  assert.equal(err.code, 'idempotency_key_reused');
});

test('a number failing the Luhn check is a 422 naming card.cardNumber, and the key stays unused', () => {
  const ledger = new Ledger(jan2026);
  const err = thrown(() => ledger.charge('key-1', request('4242424242424241')));
  assert.equal(err.status, 422);
  assert.deepEqual(Object.keys(err.fields ?? {}), ['card.cardNumber']);
  const retried = ledger.charge('key-1', request(VISA));
  assert.equal(retried.replayed, false);
});

test('only the last four digits of the card are kept', () => {
  const ledger = new Ledger(jan2026);
  const { charge } = ledger.charge('key-1', request('5555555555554444'));
  assert.equal(charge.cardLast4, '4444');
  const stored = JSON.stringify(ledger.get(charge.id));
  assert.ok(!stored.includes('5555555555554444'), stored);
  assert.ok(!stored.includes('555555555555'), stored);
  assert.ok(!stored.includes('cvc'), stored);
  const everything = JSON.stringify([...(ledger as unknown as { byKey: Map<string, unknown> }).byKey]);
  assert.ok(!everything.includes('5555555555554444'), everything);
});

test('a refund marks the charge refunded, and a replay afterwards shows it refunded', () => {
  const ledger = new Ledger(jan2026);
  const { charge } = ledger.charge('key-1', request());
  const refunded = ledger.refund(charge.id);
  assert.equal(refunded.id, charge.id);
  assert.equal(refunded.status, 'refunded');
  assert.equal(ledger.get(charge.id).status, 'refunded');
  assert.equal(ledger.charge('key-1', request()).charge.status, 'refunded');
});

test('refunding or reading an unknown charge is a 404', () => {
  const ledger = new Ledger(jan2026);
  assert.equal(thrown(() => ledger.refund('9d3e6b52-1111-4c53-9a43-1f5b2f1a0c01')).status, 404);
  assert.equal(thrown(() => ledger.get('9d3e6b52-1111-4c53-9a43-1f5b2f1a0c01')).status, 404);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideCharge, DECLINING_CARDS, isExpired, passesLuhn } from '../src/card-processor';

const card = (cardNumber: string, expiry = '12/30') => ({ cardNumber, expiry, cvc: '123' });
const jan2026 = new Date('2026-01-15T12:00:00Z');

test('the Luhn check accepts the test cards and rejects a one-digit typo', () => {
  assert.equal(passesLuhn('4242424242424242'), true);
  assert.equal(passesLuhn('4000000000000002'), true);
  assert.equal(passesLuhn('4000000000009995'), true);
  assert.equal(passesLuhn('79927398713'), true);
  assert.equal(passesLuhn('4242424242424241'), false);
  assert.equal(passesLuhn('79927398710'), false);
});

test('the Luhn check rejects an empty number', () => {
  assert.equal(passesLuhn(''), false);
});

test('a card is valid through the last instant of its expiry month', () => {
  assert.equal(isExpired('12/25', new Date('2025-12-31T23:59:59.999Z')), false);
  assert.equal(isExpired('12/25', new Date('2025-12-01T00:00:00Z')), false);
});

test('a card is expired from the first instant of the month after its expiry month', () => {
  assert.equal(isExpired('12/25', new Date('2026-01-01T00:00:00Z')), true);
  assert.equal(isExpired('02/26', new Date('2026-03-01T00:00:00Z')), true);
  assert.equal(isExpired('02/26', new Date('2026-02-28T23:59:59Z')), false);
});

test('a card that expired in an earlier year is expired', () => {
  assert.equal(isExpired('06/24', jan2026), true);
});

test('the approving test card and any other Luhn-valid number are approved', () => {
  assert.deepEqual(decideCharge(card('4242424242424242'), jan2026), { approved: true });
  assert.deepEqual(decideCharge(card('5555555555554444'), jan2026), { approved: true });
});

test('4000 0000 0000 0002 is declined with card_declined', () => {
  const decision = decideCharge(card('4000000000000002'), jan2026);
  assert.deepEqual(decision, { approved: false, code: 'card_declined', message: 'the card was declined' });
});

test('4000 0000 0000 9995 is declined with insufficient_funds', () => {
  const decision = decideCharge(card('4000000000009995'), jan2026);
  assert.equal(decision.approved, false);
  assert.equal(!decision.approved && decision.code, 'insufficient_funds');
});

test('an expired card is declined with expired_card, even the approving test card', () => {
  const decision = decideCharge(card('4242424242424242', '12/25'), jan2026);
  assert.equal(decision.approved, false);
  assert.equal(!decision.approved && decision.code, 'expired_card');
});

test('every declining test card passes the Luhn check, so it reaches the decline', () => {
  const numbers = Object.keys(DECLINING_CARDS);
  assert.equal(numbers.length, 2);
  for (const number of numbers) assert.equal(passesLuhn(number), true, number);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isExpired,
  normalizeCardNumber,
  normalizeCheckout,
  validateCart,
  validateCheckout,
  type CheckoutInput,
} from '../src/lib/validation';

const now = new Date(2026, 5, 15); // 15 June 2026
const valid: CheckoutInput = { email: 'ada@example.com', cardNumber: '4242 4242 4242 4242', expiry: '12/29', cvc: '123' };

test('a complete, well-formed checkout has no errors', () => {
  assert.deepEqual(validateCheckout(valid, now), {});
});

test('every empty field gets its own message', () => {
  const errors = validateCheckout({ email: '', cardNumber: '', expiry: '', cvc: '' }, now);
  assert.deepEqual(Object.keys(errors).sort(), ['cardNumber', 'cvc', 'email', 'expiry']);
});

test('malformed emails are rejected, as the server rejects them', () => {
  for (const email of ['ada', 'ada@', '@example.com', 'ada@example', 'a..b@example.com', 'ada @example.com']) {
    assert.ok(validateCheckout({ ...valid, email }, now).email, email);
  }
  assert.ok(validateCheckout({ ...valid, email: `${'a'.repeat(250)}@example.com` }, now).email, 'over 254 characters');
  assert.equal(validateCheckout({ ...valid, email: '  ada+shop@example.co.uk ' }, now).email, undefined);
});

test('card numbers may be typed with spaces or dashes but must be 12 to 19 digits', () => {
  assert.equal(normalizeCardNumber(' 4000 0000-0000 0002 '), '4000000000000002');
  assert.equal(validateCheckout({ ...valid, cardNumber: '4242-4242-4242-4242' }, now).cardNumber, undefined);
  assert.ok(validateCheckout({ ...valid, cardNumber: '4242 4242 424' }, now).cardNumber, '11 digits');
  assert.ok(validateCheckout({ ...valid, cardNumber: '4'.repeat(20) }, now).cardNumber, '20 digits');
  assert.ok(validateCheckout({ ...valid, cardNumber: '4242 4242 4242 424x' }, now).cardNumber, 'a letter');
});

test('expiry must be MM/YY with a real month', () => {
  for (const expiry of ['1229', '13/29', '00/29', '12/2029', '1/29']) {
    assert.ok(validateCheckout({ ...valid, expiry }, now).expiry, expiry);
  }
  assert.equal(validateCheckout({ ...valid, expiry: ' 12 / 29 ' }, now).expiry, undefined, 'spaces are ignored');
});

test('a card stays valid through its expiry month and is expired after it', () => {
  assert.equal(isExpired('06/26', now), false);
  assert.equal(isExpired('05/26', now), true);
  assert.equal(isExpired('12/25', now), true);
  assert.match(validateCheckout({ ...valid, expiry: '05/26' }, now).expiry ?? '', /expired/);
});

test('the CVC is 3 or 4 digits', () => {
  assert.equal(validateCheckout({ ...valid, cvc: '1234' }, now).cvc, undefined);
  for (const cvc of ['12', '12345', '12a']) assert.ok(validateCheckout({ ...valid, cvc }, now).cvc, cvc);
});

test('what is sent is trimmed and has spaces removed from the card number and expiry', () => {
  assert.deepEqual(normalizeCheckout({ email: ' ada@example.com ', cardNumber: '4242 4242 4242 4242', expiry: '12 / 29', cvc: ' 123 ' }), {
    email: 'ada@example.com',
    cardNumber: '4242424242424242',
    expiry: '12/29',
    cvc: '123',
  });
});

test('an empty cart cannot be checked out', () => {
  assert.ok(validateCart([]));
  assert.equal(validateCart([{ sku: 'MUG-01', quantity: 1 }]), undefined);
});

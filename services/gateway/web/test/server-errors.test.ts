import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCheckoutFailure, fieldMessage, mapServerFields, parseErrorBody } from '../src/lib/server-errors';

const sent = [
  { sku: 'MUG-01', quantity: 1 },
  { sku: 'TEE-02', quantity: 100 },
];

test('server field paths map to the matching checkout inputs', () => {
  const mapped = mapServerFields(
    { email: 'an email address', 'payment.cardNumber': '12 to 19 digits', 'payment.expiry': 'MM/YY', 'payment.cvc': '3 or 4 digits' },
    sent,
  );
  assert.deepEqual(mapped.inputs, {
    email: 'Must be an email address.',
    cardNumber: 'Must be 12 to 19 digits.',
    expiry: 'MM/YY',
    cvc: 'Must be 3 or 4 digits.',
  });
  assert.deepEqual(mapped.general, []);
});

test('item paths map to the cart line of the SKU sent at that index', () => {
  const mapped = mapServerFields({ 'items.1.quantity': 'at most 99', 'items.0': 'Unknown product' }, sent);
  assert.deepEqual(mapped.lines, { 'TEE-02': 'Must be at most 99.', 'MUG-01': 'Unknown product' });
});

test('paths that match no input or line end up in the general list', () => {
  const mapped = mapServerFields({ items: 'at least one item', 'items.7.quantity': 'Too many', '': 'Unrecognized key' }, sent);
  assert.deepEqual(mapped.general, ['Cart: Must be at least one item.', 'items.7.quantity: Too many', 'Unrecognized key']);
});

test('terse server expectations become sentences; messages that already are sentences are kept', () => {
  assert.equal(fieldMessage('at most 99'), 'Must be at most 99.');
  assert.equal(fieldMessage('Invalid input: expected string'), 'Invalid input: expected string');
});

test('only the documented error body shape is accepted', () => {
  assert.equal(parseErrorBody(null), null);
  assert.equal(parseErrorBody('<html>Bad gateway</html>'), null);
  assert.equal(parseErrorBody({ error: 'boom' }), null);
  assert.deepEqual(parseErrorBody({ error: { code: 'invalid', message: 'bad', fields: { email: 'x', n: 3 } }, orderId: 'o-1' }), {
    error: { code: 'invalid', message: 'bad', fields: { email: 'x' } },
    orderId: 'o-1',
  });
});

test('a declined payment (402) asks for another card and marks the card number', () => {
  const failure = describeCheckoutFailure(402, { error: { code: 'payment_declined', message: 'declined' }, orderId: 'o-1' });
  assert.equal(failure.kind, 'declined');
  assert.match(failure.message, /another card/);
  assert.ok(failure.fieldErrors.cardNumber);
  assert.equal(failure.orderId, 'o-1');
  assert.equal(failure.detail, 'declined');
});

test('a stock conflict (409) asks to reduce the quantity and refreshes the stock', () => {
  const failure = describeCheckoutFailure(409, null);
  assert.equal(failure.refreshProducts, true);
  assert.match(failure.message, /reduce the quantity/);
});

test('an unavailable dependency (503) says nothing was charged and to try again', () => {
  const failure = describeCheckoutFailure(503, null);
  assert.match(failure.message, /nothing was charged/);
  assert.match(failure.message, /try again/);
  assert.equal(failure.refreshProducts, false);
});

test('invalid input (400 and 422) and a lost connection (0) are told apart', () => {
  assert.equal(describeCheckoutFailure(400, null).kind, 'invalid');
  assert.equal(describeCheckoutFailure(422, null).kind, 'invalid');
  assert.equal(describeCheckoutFailure(0, null).kind, 'network');
  assert.match(describeCheckoutFailure(500, null).message, /HTTP 500/);
});

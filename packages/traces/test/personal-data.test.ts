import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPersonalData } from '../src/checks';
import { containsCardNumber, passesLuhn, personalDataIn } from '../src/personal-data';
import { completeOrderSpans, traceOf } from './fixtures';

test('the Luhn check accepts test card numbers and rejects a changed digit', () => {
  assert.equal(passesLuhn('4242424242424242'), true);
  assert.equal(passesLuhn('5555555555554444'), true);
  assert.equal(passesLuhn('4242424242424241'), false);
});

test('card numbers are found with spaces or dashes, but not in long ids or short numbers', () => {
  assert.equal(containsCardNumber('charged 4242 4242 4242 4242 ok'), true);
  assert.equal(containsCardNumber('card=4242-4242-4242-4242'), true);
  assert.equal(containsCardNumber('4242424242424241'), false, 'fails Luhn');
  assert.equal(containsCardNumber('1795698231406000'), false, 'a µs timestamp that fails Luhn');
  assert.equal(containsCardNumber('12345678123456781234567812345678'), false, '32 digits are an id, not a card');
  assert.equal(containsCardNumber('5250e8b9-c989-49e3-bdfe-b00a44ce28ad'), false);
});

test('values are judged by their key name, case-insensitively, except sanctioned hashes', () => {
  assert.ok(personalDataIn('payment.CVC', '123'));
  assert.ok(personalDataIn('payment.cardNumber', 'x'));
  assert.ok(personalDataIn('card_number', 'x'));
  assert.ok(personalDataIn('http.request.header.authorization', 'Basic abc'));
  assert.ok(personalDataIn('user.password', 'hunter2'));
  assert.ok(personalDataIn('customer.Email', 'someone'));
  assert.equal(personalDataIn('user.hash', 'b5fc85e55755f9e0'), undefined);
  assert.equal(personalDataIn('order.email_hash', 'b5fc85e55755f9e0'), undefined);
  assert.equal(personalDataIn('payment.cvc', ''), undefined, 'an empty value reveals nothing');
});

test('values are judged by their content: emails, cards and bearer tokens', () => {
  assert.equal(personalDataIn('db.query.text', "SELECT 1 WHERE email = 'ADA@Example.com'"), 'an email address');
  assert.equal(personalDataIn('note', '4242424242424242'), 'a card number');
  assert.equal(personalDataIn('note', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'), 'a bearer token');
  assert.equal(personalDataIn('db.query.text', 'INSERT INTO orders (id, email, email_hash) VALUES ($1, $2, $3)'), undefined);
});

test('the clean order trace holds no personal data', () => {
  assert.deepEqual(checkPersonalData(traceOf(completeOrderSpans())), []);
});

test('an email in an attribute and a card number in an exception event are both reported, without their values', () => {
  const trace = traceOf([
    { id: 'a', service: 'orders', name: 'router - /orders', tags: { 'order.customer': 'ada@example.com' } },
    {
      id: 'b',
      parent: 'a',
      service: 'payments',
      name: 'router - /charges',
      events: [{ name: 'exception', attributes: { 'exception.message': 'card 4242 4242 4242 4242 declined' } }],
    },
  ]);
  const findings = checkPersonalData(trace);
  assert.deepEqual(
    findings.map((f) => [f.check, f.spanId, f.service]),
    [
      ['personal-data', 'a', 'orders'],
      ['personal-data', 'b', 'payments'],
    ],
  );
  assert.equal(findings[0]?.message, 'span "router - /orders" attribute order.customer holds an email address');
  assert.equal(findings[1]?.message, 'span "router - /charges" event "exception" attribute exception.message holds a card number');
  assert.doesNotMatch(JSON.stringify(findings), /ada@example|4242/);
});

test('an order id in a URL is not a card number, even when its digit groups pass the Luhn check', () => {
  assert.equal(containsCardNumber('4000-0000-0000-0002'), true, 'the same digits alone are one');
  assert.equal(containsCardNumber('/reservations/5e1a9b7c-4000-0000-0000-0002ab12cd34/commit'), false);
  assert.equal(containsCardNumber('trace 4242424242424242abcdef0123456789'), false);
  assert.equal(containsCardNumber('card 4242424242424242 in a message'), true);
});

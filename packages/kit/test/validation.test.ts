import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { AppError } from '../src/errors';
import { parseInput } from '../src/validation';

const Order = z
  .object({
    email: z.string().min(3, 'an email address'),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1, 'at least 1') }).strict()).min(1),
    payment: z.object({ cvc: z.string().regex(/^\d{3}$/, '3 digits') }),
  })
  .strict();

const valid = { email: 'ada@example.com', items: [{ sku: 'MUG-01', quantity: 1 }], payment: { cvc: '123' } };

function fieldsOf(input: unknown): Record<string, string> {
  try {
    parseInput(Order, input);
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'validation_failed');
    return err.fields ?? {};
  }
  assert.fail('parseInput did not throw');
}

test('valid input is returned as the schema parsed it', () => {
  assert.deepEqual(parseInput(Order, valid), valid);
  assert.equal(parseInput(z.coerce.number(), '42'), 42);
});

test('an invalid nested field is named by its dotted path with the schema message', () => {
  const fields = fieldsOf({
    ...valid,
    items: [
      { sku: 'MUG-01', quantity: 1 },
      { sku: 'TEE', quantity: 0 },
    ],
    payment: { cvc: '12' },
  });
  assert.deepEqual(fields, { 'items.1.quantity': 'at least 1', 'payment.cvc': '3 digits' });
});

test('every invalid field is named at once', () => {
  const fields = fieldsOf({ email: 'a', items: [], payment: { cvc: 'x' } });
  assert.deepEqual(Object.keys(fields).sort(), ['email', 'items', 'payment.cvc']);
});

test('an unknown top-level key of a strict schema is named under body', () => {
  const fields = fieldsOf({ ...valid, coupon: 'FREE', admin: true });
  assert.deepEqual(Object.keys(fields), ['body']);
  assert.match(fields.body!, /^unknown field\(s\): /);
  assert.match(fields.body!, /coupon/);
  assert.match(fields.body!, /admin/);
});

test('an unknown key of a nested strict object is named by the path of that object', () => {
  const fields = fieldsOf({ ...valid, items: [{ sku: 'MUG-01', quantity: 1, discount: 5 }] });
  assert.deepEqual(fields, { 'items.0': 'unknown field(s): discount' });
});

test('a body that is not an object at all is named body', () => {
  const fields = fieldsOf(null);
  assert.deepEqual(Object.keys(fields), ['body']);
});

test('the error message lists the invalid fields', () => {
  try {
    parseInput(Order, { ...valid, email: 'a' });
    assert.fail('parseInput did not throw');
  } catch (err) {
    assert.equal((err as Error).message, 'invalid email');
  }
});

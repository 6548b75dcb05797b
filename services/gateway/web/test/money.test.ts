import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCents } from '../src/lib/money';

test('cents are formatted as dollars with two decimals and grouping', () => {
  assert.equal(formatCents(0), '$0.00');
  assert.equal(formatCents(5), '$0.05');
  assert.equal(formatCents(1999), '$19.99');
  assert.equal(formatCents(123456), '$1,234.56');
});

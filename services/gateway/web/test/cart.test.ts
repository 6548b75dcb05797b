import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addItem,
  canAdd,
  clampQuantity,
  MAX_LINES,
  parseCart,
  priceCart,
  pruneCart,
  removeItem,
  setQuantity,
  toOrderItems,
  type Cart,
} from '../src/lib/cart';
import type { Product } from '@hoptrace/contracts';

const products: Product[] = [
  { sku: 'MUG-01', name: 'Mug', priceCents: 1250, stock: 5 },
  { sku: 'TEE-02', name: 'T-shirt', priceCents: 1999, stock: 0 },
];

test('adding a product twice makes one line with quantity 2', () => {
  const cart = addItem(addItem([], 'MUG-01'), 'MUG-01');
  assert.deepEqual(cart, [{ sku: 'MUG-01', quantity: 2 }]);
});

test('quantities are clamped to the server range 1..99', () => {
  assert.equal(clampQuantity(0), 1);
  assert.equal(clampQuantity(-5), 1);
  assert.equal(clampQuantity(150), 99);
  assert.equal(clampQuantity(2.7), 2);
  assert.equal(clampQuantity(Number.NaN), 1);
  assert.deepEqual(setQuantity([{ sku: 'MUG-01', quantity: 3 }], 'MUG-01', 500), [{ sku: 'MUG-01', quantity: 99 }]);
});

test('adding beyond 99 leaves the cart unchanged', () => {
  const full: Cart = [{ sku: 'MUG-01', quantity: 99 }];
  assert.equal(canAdd(full, 'MUG-01'), false);
  assert.equal(addItem(full, 'MUG-01'), full);
});

test('a new product cannot be added once the cart has the maximum number of lines', () => {
  const cart: Cart = Array.from({ length: MAX_LINES }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
  assert.equal(addItem(cart, 'MUG-01'), cart);
  assert.equal(canAdd(cart, 'SKU-0'), true, 'an existing line can still grow');
});

test('removing a product drops its line only', () => {
  const cart: Cart = [
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'TEE-02', quantity: 2 },
  ];
  assert.deepEqual(removeItem(cart, 'MUG-01'), [{ sku: 'TEE-02', quantity: 2 }]);
});

test('the total is the sum of unit price times quantity, in cents', () => {
  const priced = priceCart(
    [
      { sku: 'MUG-01', quantity: 3 },
      { sku: 'TEE-02', quantity: 1 },
    ],
    products,
  );
  assert.equal(priced.totalCents, 3 * 1250 + 1999);
  assert.equal(priced.itemCount, 4);
  assert.equal(priced.lines[0]?.lineCents, 3750);
  assert.equal(priced.lines[1]?.name, 'T-shirt');
});

test('lines for products missing from the catalogue are pruned, and an unchanged cart keeps its identity', () => {
  const cart: Cart = [
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'GONE-9', quantity: 1 },
  ];
  assert.deepEqual(pruneCart(cart, products), [{ sku: 'MUG-01', quantity: 1 }]);
  const clean: Cart = [{ sku: 'MUG-01', quantity: 1 }];
  assert.equal(pruneCart(clean, products), clean);
});

test('order items carry only sku and quantity', () => {
  assert.deepEqual(toOrderItems([{ sku: 'MUG-01', quantity: 2 }]), [{ sku: 'MUG-01', quantity: 2 }]);
});

test('a stored cart is parsed defensively: junk, duplicates and bad quantities are dropped or clamped', () => {
  assert.deepEqual(parseCart(null), []);
  assert.deepEqual(parseCart('not json'), []);
  assert.deepEqual(parseCart('{"sku":"MUG-01"}'), []);
  assert.deepEqual(
    parseCart(
      JSON.stringify([
        { sku: 'MUG-01', quantity: 500 },
        { sku: 'MUG-01', quantity: 1 },
        { sku: 7, quantity: 1 },
        null,
        { sku: 'TEE-02', quantity: 0 },
      ]),
    ),
    [
      { sku: 'MUG-01', quantity: 99 },
      { sku: 'TEE-02', quantity: 1 },
    ],
  );
});

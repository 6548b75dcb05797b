import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Product } from '@hoptrace/contracts';
import { AppError } from '@hoptrace/kit';
import { planReservation, SEED_PRODUCTS } from '../src/catalogue';

const products: Product[] = [
  { sku: 'MUG-01', name: 'Trace mug', priceCents: 1200, stock: 100 },
  { sku: 'STICKER-W3C', name: 'stickers', priceCents: 300, stock: 100 },
  { sku: 'POSTER-LTD', name: 'poster', priceCents: 3000, stock: 5 },
];

/** Runs planReservation expecting it to throw an AppError, and returns that error. */
function rejection(items: { sku: string; quantity: number }[]): AppError {
  try {
    planReservation(products, items);
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('planReservation did not throw');
}

test('a reservation plan prices each line from the catalogue and totals them', () => {
  const plan = planReservation(products, [
    { sku: 'MUG-01', quantity: 2 },
    { sku: 'STICKER-W3C', quantity: 3 },
  ]);
  assert.deepEqual(plan.lines, [
    { sku: 'MUG-01', quantity: 2, priceCents: 1200 },
    { sku: 'STICKER-W3C', quantity: 3, priceCents: 300 },
  ]);
  assert.equal(plan.totalCents, 2 * 1200 + 3 * 300);
});

test('a SKU that appears on several lines is merged into one line with the summed quantity', () => {
  const plan = planReservation(products, [
    { sku: 'MUG-01', quantity: 2 },
    { sku: 'STICKER-W3C', quantity: 1 },
    { sku: 'MUG-01', quantity: 3 },
  ]);
  assert.deepEqual(plan.lines, [
    { sku: 'MUG-01', quantity: 5, priceCents: 1200 },
    { sku: 'STICKER-W3C', quantity: 1, priceCents: 300 },
  ]);
  assert.equal(plan.totalCents, 5 * 1200 + 300);
});

test('ordering exactly the stock there is succeeds', () => {
  const plan = planReservation(products, [{ sku: 'POSTER-LTD', quantity: 5 }]);
  assert.deepEqual(plan.lines, [{ sku: 'POSTER-LTD', quantity: 5, priceCents: 3000 }]);
  assert.equal(plan.totalCents, 15_000);
});

test('an unknown SKU is a 422 validation failure naming items.N.sku', () => {
  const err = rejection([
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'NOPE-99', quantity: 1 },
  ]);
  assert.equal(err.status, 422);
  assert.equal(err.code, 'validation_failed');
  assert.deepEqual(Object.keys(err.fields ?? {}), ['items.1.sku']);
  assert.match(err.fields!['items.1.sku']!, /NOPE-99/);
});

test('every unknown SKU is named, not only the first', () => {
  const err = rejection([
    { sku: 'NOPE-1', quantity: 1 },
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'NOPE-2', quantity: 1 },
  ]);
  assert.deepEqual(Object.keys(err.fields ?? {}).sort(), ['items.0.sku', 'items.2.sku']);
});

test('an unknown SKU is reported before any stock shortage', () => {
  const err = rejection([
    { sku: 'POSTER-LTD', quantity: 50 },
    { sku: 'NOPE-99', quantity: 1 },
  ]);
  assert.equal(err.status, 422);
  assert.deepEqual(Object.keys(err.fields ?? {}), ['items.1.sku']);
});

test('asking for more than the stock is a 409 insufficient_stock naming items.N.quantity', () => {
  const err = rejection([
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'POSTER-LTD', quantity: 6 },
  ]);
  assert.equal(err.status, 409);
  assert.equal(err.code, 'insufficient_stock');
  assert.deepEqual(Object.keys(err.fields ?? {}), ['items.1.quantity']);
  assert.match(err.fields!['items.1.quantity']!, /only 5 of POSTER-LTD/);
});

test('a repeated SKU whose lines each fit but together exceed the stock is a 409', () => {
  const err = rejection([
    { sku: 'POSTER-LTD', quantity: 3 },
    { sku: 'MUG-01', quantity: 1 },
    { sku: 'POSTER-LTD', quantity: 3 },
  ]);
  assert.equal(err.status, 409);
  assert.equal(err.code, 'insufficient_stock');
  assert.deepEqual(Object.keys(err.fields ?? {}).sort(), ['items.0.quantity', 'items.2.quantity']);
});

test('the seeded catalogue has a scarce poster and unique SKUs', () => {
  const skus = SEED_PRODUCTS.map((p) => p.sku);
  assert.equal(new Set(skus).size, skus.length);
  assert.equal(SEED_PRODUCTS.find((p) => p.sku === 'POSTER-LTD')?.stock, 5);
});

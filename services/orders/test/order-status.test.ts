import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, canFail } from '../src/order-status';

test('a paid order that ships moves to shipped and records the shipped step', () => {
  assert.deepEqual(advance('paid', 'shipped'), { status: 'shipped', events: ['shipped'] });
});

test('a shipped order that is notified moves to completed and records the completed step', () => {
  assert.deepEqual(advance('shipped', 'completed'), { status: 'completed', events: ['completed'] });
});

test('OrderNotified arriving before OrderShipped completes the order and records the implied shipped step first', () => {
  assert.deepEqual(advance('paid', 'completed'), { status: 'completed', events: ['shipped', 'completed'] });
});

test('OrderShipped arriving after the order completed changes nothing', () => {
  assert.equal(advance('completed', 'shipped'), undefined);
});

test('a redelivered OrderShipped is a no-op', () => {
  assert.equal(advance('shipped', 'shipped'), undefined);
});

test('a redelivered OrderNotified is a no-op', () => {
  assert.equal(advance('completed', 'completed'), undefined);
});

test('a failed order stays failed whatever event arrives', () => {
  assert.equal(advance('failed', 'shipped'), undefined);
  assert.equal(advance('failed', 'completed'), undefined);
});

test('an order never records the paid step from a shipping event: markPaid records it', () => {
  const moved = advance('pending', 'shipped');
  assert.deepEqual(moved?.events, ['shipped']);
  assert.equal(moved?.status, 'shipped');
});

test('an order that is not yet completed may still fail', () => {
  assert.equal(canFail('pending'), true);
  assert.equal(canFail('paid'), true);
  assert.equal(canFail('shipped'), true);
});

test('a completed order cannot be marked failed, and a failed one cannot fail again', () => {
  assert.equal(canFail('completed'), false);
  assert.equal(canFail('failed'), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignmentChange, assignmentList } from '../src/rebalance';

test('an assignment is listed as topic/partition, sorted', () => {
  assert.deepEqual(assignmentList({ 'orders.placed': [3, 0], 'orders.placed.dlq': [1] }), [
    'orders.placed.dlq/1',
    'orders.placed/0',
    'orders.placed/3',
  ]);
});

test('a rebalance names what this member gained and what it gave up', () => {
  // A second instance joins: the first gives up half of its partitions.
  assert.deepEqual(assignmentChange(['t/0', 't/1', 't/2', 't/3'], ['t/0', 't/1']), {
    assigned: ['t/0', 't/1'],
    added: [],
    revoked: ['t/2', 't/3'],
  });
  // It is killed: the survivor takes them all back.
  assert.deepEqual(assignmentChange(['t/0', 't/1'], ['t/0', 't/1', 't/2', 't/3']), {
    assigned: ['t/0', 't/1', 't/2', 't/3'],
    added: ['t/2', 't/3'],
    revoked: [],
  });
  assert.deepEqual(assignmentChange([], ['t/0']), { assigned: ['t/0'], added: ['t/0'], revoked: [] });
});

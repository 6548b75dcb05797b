import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { playwrightCounts } from '../playwright-counts';

const reporter = resolve(__dirname, '..', 'node-test-counts.mts');

/** Runs a test file through node's real test runner with the counting reporter; returns its JSON. */
function countsOf(source: string): { passed: number; failed: number } {
  const dir = mkdtempSync(join(tmpdir(), 'counts-'));
  writeFileSync(join(dir, 'sample.test.mjs'), source);
  const out = join(dir, 'counts.json');
  spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, `--test-reporter-destination=${out}`, join(dir, 'sample.test.mjs')],
    {
      cwd: resolve(__dirname, '..', '..', '..'),
      // Without the variable by which the runner knows it runs inside a test (it would skip the files).
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
    },
  );
  return JSON.parse(readFileSync(out, 'utf8'));
}

test("the node reporter counts passed and failed tests from the runner's events: subtests yes, suites, skips and todos no", () => {
  assert.deepEqual(
    countsOf(`
    import { test, describe } from 'node:test';
    test('passes', () => {});
    test('fails', () => { throw new Error('no'); });
    test('skipped', { skip: true }, () => {});
    test('todo', { todo: true }, () => { throw new Error('later'); });
    describe('a suite', () => { test('inner passes', () => {}); test('inner fails', () => { throw new Error('no'); }); });
    test('outer', async (t) => { await t.test('sub passes', () => {}); });
  `),
    { passed: 4, failed: 2 },
  );
});

test('a file that cannot even load is a failure', () => {
  assert.equal(countsOf('import { nothing } from "./does-not-exist.mjs";').failed, 1);
});

test('Playwright counts: expected passed; unexpected, flaky and skipped (did not run) failed; a run-level error fails', () => {
  assert.deepEqual(playwrightCounts({ stats: { expected: 30, unexpected: 1, flaky: 1, skipped: 2 } }), { passed: 30, failed: 4 });
  assert.deepEqual(playwrightCounts({ stats: { expected: 5, unexpected: 0, flaky: 0, skipped: 0 } }), { passed: 5, failed: 0 });
  assert.deepEqual(playwrightCounts({ stats: { expected: 0, unexpected: 0, flaky: 0, skipped: 0 }, errors: [{ message: 'config' }] }), {
    passed: 0,
    failed: 1,
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { countSuiteOutput, findSuite } from '../w3c-suite';

// The tail of the suite's output (w3c/trace-context acab820, Python 3.11) against hoptrace before Level 2.
const FAILED_RUN = `STRICT_LEVEL: 2
SPEC_LEVEL:   1
harness listening on http://127.0.0.1:7777
test_propagates_random_flag (__main__.TraceContext2Test.test_propagates_random_flag)
harness sends a request with a traceparent with the random flag set ... skipped 'Trace Context Level 2'

======================================================================
FAIL: test_tracestate_duplicated_keys (__main__.TraceContextTest.test_tracestate_duplicated_keys)
harness sends a request with an invalid tracestate header with duplicated keys
----------------------------------------------------------------------
AssertionError: False is not true

======================================================================
ERROR: test_multiple_requests_without_traceparent (__main__.AdvancedTest)
----------------------------------------------------------------------
ConnectionRefusedError: [Errno 111] Connection refused

----------------------------------------------------------------------
Ran 41 tests in 3.495s

FAILED (failures=1, errors=1, skipped=1)
`;

void test('the counts of a unittest run: passed is what ran, less failures, errors and skips; each failure is named', () => {
  assert.deepEqual(countSuiteOutput(FAILED_RUN), {
    ran: 41,
    passed: 38,
    failed: 2,
    skipped: 1,
    failures: ['test_tracestate_duplicated_keys (TraceContextTest)', 'test_multiple_requests_without_traceparent (AdvancedTest)'],
  });
  assert.deepEqual(countSuiteOutput('harness listening\n...\nRan 41 tests in 0.6s\n\nOK\n'), {
    ran: 41,
    passed: 41,
    failed: 0,
    skipped: 0,
    failures: [],
  });
  assert.equal(countSuiteOutput('Ran 41 tests in 1.0s\n\nOK (skipped=1)\n').passed, 40);
});

void test('a run that dies before its totals counts as a failure', () => {
  assert.deepEqual(countSuiteOutput('Traceback (most recent call last):\nModuleNotFoundError: No module named aiohttp\n'), {
    ran: 0,
    passed: 0,
    failed: 1,
    skipped: 0,
    failures: ['the suite did not finish'],
  });
});

void test('the suite is found where HOPTRACE_W3C_SUITE_DIR says, else next to the checkout; missing, the reason says how to get it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'w3c-suite-'));
  const root = join(dir, 'project');
  const vendored = join(dir, 'shared', 'vendor', 'w3c-trace-context');
  mkdirSync(root);
  const missing = findSuite(root, {});
  assert.equal(typeof missing, 'string');
  assert.match(missing as string, /HOPTRACE_W3C_SUITE_DIR/);
  mkdirSync(join(vendored, 'test'), { recursive: true });
  writeFileSync(join(vendored, 'test', 'test.py'), '');
  writeFileSync(join(vendored, 'SOURCE'), 'w3c/trace-context commit acab820 (test/ only), licence\n');
  assert.deepEqual(findSuite(root, {}), { dir: vendored, source: 'w3c/trace-context commit acab820' });
  assert.equal(typeof findSuite(root, { HOPTRACE_W3C_SUITE_DIR: join(dir, 'elsewhere') }), 'string');
});

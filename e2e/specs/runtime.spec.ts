import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { NODE_PACKAGE, nodeRuntimeProblem, readNodePin } from '../../infra/native/src/node-runtime';
import { resolvePaths } from '../../infra/native/src/paths';

const { root } = resolvePaths();
const pin = readNodePin(root);

// Playwright's runner and its workers are started by `npx playwright test` from `npm test`: they too
// must be the pinned Node, not the machine's.
test('the end-to-end tests run on the pinned Node from node_modules, whatever Node the machine has', () => {
  if (process.platform === 'linux' && process.arch === 'x64') {
    expect(process.versions.node).toBe(pin.version);
    expect(realpathSync(process.execPath)).toBe(realpathSync(join(root, 'node_modules', NODE_PACKAGE, 'bin', 'node')));
  } else {
    expect(nodeRuntimeProblem(process.versions.node, pin)).toBeUndefined();
  }
});

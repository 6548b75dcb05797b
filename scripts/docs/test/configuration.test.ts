import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeFacts, PAGE, renderConfiguration, ROOT, serviceVariables } from '../configuration';
import { isProjectVariable, namesInCode } from '../env-names';
import { INTERNAL, NODE, PRELOAD, RUNNER, SDK, STACK, TOOLS } from '../variables';

// The services' schemas are read from their build (@hoptrace/<service>/config): npm test builds first.

void test('docs/configuration.md is what `npm run docs:config` generates from the schemas, compose and variables.ts', async () => {
  const committed = readFileSync(PAGE, 'utf8');
  assert.ok(committed === (await renderConfiguration()), 'docs/configuration.md is stale: run `npm run docs:config` and commit it');
});

const HAND_DESCRIBED = [STACK, RUNNER, PRELOAD, SDK, NODE, TOOLS, INTERNAL].flat();

void test('every HOPTRACE_* and OTEL_* variable the code reads is described, and every described one is still read', async () => {
  const inCode = namesInCode(ROOT);
  const schemas = [...(await serviceVariables()).values()].flat().map((v) => v.name);
  const documented = new Set([...schemas, ...HAND_DESCRIBED.map((v) => v.name)]);
  const undocumented = [...inCode.keys()]
    .filter((name) => isProjectVariable(name) && !documented.has(name))
    .map((name) => `${name} (${[...(inCode.get(name) ?? [])].join(', ')})`);
  assert.deepEqual(undocumented, [], 'describe these in scripts/docs/variables.ts, then run `npm run docs:config`');
  const stale = HAND_DESCRIBED.map((v) => v.name).filter((name) => !inCode.has(name));
  assert.deepEqual(stale, [], 'nothing reads these any more: remove them from scripts/docs/variables.ts');
});

void test("every variable compose gives an app service is one that service's schema, the preload, the SDK or Node reads", async () => {
  const schemas = await serviceVariables();
  const facts = composeFacts();
  const shared = new Set([...PRELOAD, ...SDK, ...NODE, ...INTERNAL].map((v) => v.name));
  const unread: string[] = [];
  for (const [service, variables] of schemas) {
    const read = new Set([...variables.map((v) => v.name), ...shared]);
    const given = [...Object.keys(facts.environment.get(service) ?? {}), ...(facts.secureKeys.get(service) ?? [])];
    unread.push(...given.filter((name) => !read.has(name)).map((name) => `${service}: ${name}`));
  }
  assert.deepEqual(unread, []);
});

void test('the stack table names exactly the variables docker-compose.yml interpolates', () => {
  const { interpolated } = composeFacts();
  assert.deepEqual(STACK.map((v) => v.name).sort(), [...interpolated.keys()].sort());
});

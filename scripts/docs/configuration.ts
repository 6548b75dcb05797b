/**
 * `npm run docs:config` writes docs/configuration.md; `npm run docs:config -- --check` exits 1 when
 * the committed page differs from what the code says. The services' variables come from their
 * configuration schemas (`@hoptrace/<service>/config`, built: run `npm run build` first), read as
 * JSON Schema; the defaults docker-compose.yml gives come from the file; the rest is described in
 * variables.ts. Importing a config module has no side effect: it defines a schema and a reader.
 */
import { SERVICE_NAMES } from '@hoptrace/contracts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { INTERNAL, NODE, PRELOAD, RUNNER, SDK, STACK, TOOLS, type Variable } from './variables';

export const ROOT = resolve(__dirname, '..', '..');
export const PAGE = join(ROOT, 'docs', 'configuration.md');

/** One variable of a service's schema, as JSON Schema describes its input. */
interface SchemaProperty {
  type?: string;
  format?: string;
  enum?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  description?: string;
}

export interface ServiceVariable {
  name: string;
  accepts: string;
  default: string;
  meaning: string;
}

/** Every service's variables, from its schema, in the order the schema lists them. */
export async function serviceVariables(): Promise<Map<string, ServiceVariable[]>> {
  const byService = new Map<string, ServiceVariable[]>();
  for (const service of SERVICE_NAMES) {
    const module = (await import(`@hoptrace/${service}/config`)) as Record<string, unknown>;
    const schema = Object.values(module).find((v): v is z.ZodObject => v instanceof z.ZodObject);
    if (!schema) throw new Error(`@hoptrace/${service}/config exports no zod object schema`);
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, SchemaProperty>;
      required?: string[];
    };
    const required = new Set(json.required ?? []);
    byService.set(
      service,
      Object.entries(json.properties).map(([name, p]) => ({
        name,
        accepts: accepts(p),
        default:
          p.default !== undefined
            ? code(shownPath(JSON.stringify(p.default).replace(/^"(.*)"$/, '$1')))
            : required.has(name)
              ? '**required**'
              : 'unset',
        meaning: p.description ?? '',
      })),
    );
  }
  return byService;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function accepts(p: SchemaProperty): string {
  if (p.enum) return p.enum.map(code).join(', ');
  if (p.type === 'integer') {
    if (p.exclusiveMinimum === 0 && (p.maximum ?? MAX_SAFE) >= MAX_SAFE) return 'integer > 0';
    if (p.minimum !== undefined && p.maximum !== undefined) return `integer ${p.minimum}–${p.maximum}`;
    return 'integer';
  }
  if (p.format === 'uri') return 'URL';
  if (p.pattern) return `text matching ${code(p.pattern)}`;
  if (p.minLength && p.minLength > 1) return `text, at least ${p.minLength} characters`;
  return 'text';
}

/** A default that is a path inside the checkout is shown relative to it (it differs per clone). */
const shownPath = (value: string) => (value.startsWith(`${ROOT}/`) ? relative(ROOT, value) : value);
const code = (value: string) => `\`${value.replace(/\|/g, '\\|')}\``;
/** Table cell text: pipes escaped, and outside code spans `<` and `>` too (Markdown would read `<n>` as a tag). */
const cell = (value: string) =>
  value
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

interface ComposeService {
  environment?: Record<string, string | number | boolean | null>;
  'x-native'?: { kind?: string };
}

export interface ComposeFacts {
  /** `${NAME:-default}` interpolations: name → default as written. */
  interpolated: Map<string, string>;
  /** cluster.env: name → value. */
  cluster: Map<string, string>;
  /** Each app service's environment in docker-compose.yml (anchors merged). */
  environment: Map<string, Record<string, string>>;
  /** The keys each app service gets from docker-compose.secure.yml. */
  secureKeys: Map<string, string[]>;
}

export function composeFacts(root = ROOT): ComposeFacts {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const interpolated = new Map<string, string>();
  for (const [, name = '', fallback = ''] of text.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?::?-([^}]*))?\}/g))
    interpolated.set(name, fallback);
  const cluster = new Map<string, string>();
  for (const line of readFileSync(join(root, 'cluster.env'), 'utf8').split('\n')) {
    const [, name, value = ''] = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()) ?? [];
    if (name) cluster.set(name, value);
  }
  const services = (parse(text, { merge: true }) as { services: Record<string, ComposeService> }).services;
  const environment = new Map<string, Record<string, string>>();
  for (const name of SERVICE_NAMES) {
    const env = services[name]?.environment ?? {};
    environment.set(name, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')])));
  }
  const secure = (
    parse(readFileSync(join(root, 'docker-compose.secure.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }
  ).services;
  const secureKeys = new Map(SERVICE_NAMES.map((name) => [name, Object.keys(secure[name]?.environment ?? {})]));
  return { interpolated, cluster, environment, secureKeys };
}

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const described = (vars: Variable[], withDefault: boolean) =>
  table(
    withDefault ? ['variable', 'default', 'what it does'] : ['variable', 'what it does'],
    vars.map((v) => (withDefault ? [code(v.name), v.default ?? '', cell(v.meaning)] : [code(v.name), cell(v.meaning)])),
  );

/** The value compose gives a variable: the same in every app service, or per service. */
function composeValue(facts: ComposeFacts, name: string): string {
  const values = [...new Set(SERVICE_NAMES.map((s) => facts.environment.get(s)?.[name]).filter((v) => v !== undefined))];
  if (values.length > 1) return 'per service';
  return values[0] === undefined ? '' : code(values[0]);
}

/** A row of a service table: the schema's facts, and what docker-compose.yml sets the variable to. */
const serviceRow = (v: ServiceVariable, composeSets: string) => [code(v.name), v.accepts, v.default, composeSets, cell(v.meaning)];
const SERVICE_HEADER = ['variable', 'accepts', 'default', 'docker-compose.yml', 'what it does'];

export async function renderConfiguration(root = ROOT): Promise<string> {
  const byService = await serviceVariables();
  const facts = composeFacts(root);
  const services = [...byService.keys()];
  // Variables every service reads alike (same schema row, same compose value) are listed once.
  const rowsOf = (service: string) =>
    (byService.get(service) ?? []).map((v) => ({ v, composeSets: facts.environment.get(service)?.[v.name] }));
  const key = (r: { v: ServiceVariable; composeSets?: string }) => JSON.stringify([r.v, r.composeSets ?? null]);
  const common = rowsOf(SERVICE_NAMES[0]).filter((r) => services.every((s) => rowsOf(s).some((o) => key(o) === key(r))));
  const commonNames = new Set(common.map((r) => r.v.name));
  const shown = (value: string | undefined) => (value === undefined ? '' : code(value));

  const fallback = (value: string | undefined) => (value === undefined ? '' : value === '' ? 'empty' : code(value));
  const stackRows = STACK.map((v) => [
    code(v.name),
    fallback(facts.interpolated.get(v.name)),
    shown(facts.cluster.get(v.name)),
    cell(v.meaning),
  ]);

  return [
    '# Configuration reference',
    '',
    "<!-- Generated by `npm run docs:config` (scripts/docs/configuration.ts) from the services' configuration schemas,",
    '     docker-compose.yml, cluster.env and scripts/docs/variables.ts. Edit those, not this page: a unit test fails when it is stale. -->',
    '',
    'Every setting is an environment variable. `docker-compose.yml` gives each service its values, for `docker compose up` and',
    'for `npm start` alike (the native runner reads the file and maps host names to `127.0.0.1`); the variables in',
    '[The stack](#the-stack) are the ones meant to be set from outside. Each service reads its own variables once, at start-up,',
    'through a zod schema: a missing or invalid one stops it with one line that names the variable and what to set.',
    '',
    '- [The stack](#the-stack) · [The native runner](#the-native-runner) · [Every service](#every-service) ·',
    `  ${services.map((s) => `[${s}](#${s})`).join(' · ')} ·`,
    '  [Telemetry](#telemetry) · [Node](#node) · [Tests and tools](#tests-and-tools) · [Set by hoptrace itself](#set-by-hoptrace-itself)',
    '',
    '## The stack',
    '',
    'Interpolated into `docker-compose.yml`: export them before `npm start` or `docker compose up`, or put them in an env file.',
    "`cluster.env` holds the cluster profile's values ([cluster.md](cluster.md)).",
    '',
    table(['variable', 'default', 'cluster.env', 'what it sets'], stackRows),
    '',
    '## The native runner',
    '',
    'Read by `npm start`, `npm run stack` and the tools that find the running stack (tests, `npm run load`, `npm run bench`).',
    '',
    described(RUNNER, true),
    '',
    '## Every service',
    '',
    'Each app service reads these, alike. Secure mode ([secure-mode.md](secure-mode.md)) sets the `TLS_*` files, and',
    '`DATABASE_PASSWORD_FILE` and `KAFKA_PASSWORD_FILE` where a service has them, in `docker-compose.secure.yml`.',
    '',
    table(
      SERVICE_HEADER,
      common.map((r) => serviceRow(r.v, shown(r.composeSets))),
    ),
    '',
    ...services.flatMap((service) => [
      `## ${service}`,
      '',
      table(
        SERVICE_HEADER,
        rowsOf(service)
          .filter((r) => !commonNames.has(r.v.name))
          .map((r) => serviceRow(r.v, shown(r.composeSets))),
      ),
      '',
    ]),
    '## Telemetry',
    '',
    'Every app service starts with the telemetry preload (`node --require ./packages/telemetry/dist/register.js`), which sets',
    "no defaults of its own: compose's `x-otel` holds the values. The preload reads these itself:",
    '',
    table(
      ['variable', 'docker-compose.yml', 'what it does'],
      PRELOAD.map((v) => [code(v.name), composeValue(facts, v.name), cell(v.meaning)]),
    ),
    '',
    'and the OpenTelemetry SDK reads the standard ones ([the specification](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/)), of which compose sets:',
    '',
    table(
      ['variable', 'docker-compose.yml', 'what it does'],
      SDK.map((v) => [code(v.name), composeValue(facts, v.name), cell(v.meaning)]),
    ),
    '',
    '## Node',
    '',
    table(
      ['variable', 'docker-compose.yml', 'what it does'],
      NODE.map((v) => [code(v.name), composeValue(facts, v.name), cell(v.meaning)]),
    ),
    '',
    '## Tests and tools',
    '',
    described(TOOLS, true),
    '',
    '## Set by hoptrace itself',
    '',
    described(INTERNAL, false),
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const page = await renderConfiguration();
  if (process.argv.includes('--check')) {
    const current = readFileSync(PAGE, 'utf8');
    if (current === page) return 0;
    console.error(`${relative(ROOT, PAGE)} is stale: run \`npm run docs:config\` and commit it`);
    return 1;
  }
  writeFileSync(PAGE, page);
  console.log(`wrote ${relative(ROOT, PAGE)}`);
  return 0;
}

if (require.main === module)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );

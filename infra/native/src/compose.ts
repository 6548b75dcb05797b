import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { mergeCompose } from './compose-merge';

/** How a compose service runs without Docker: its `x-native` extension field. */
export interface NativeSpec {
  kind: string;
  [key: string]: unknown;
}

export interface PortMapping {
  host: number;
  container: number;
}

export interface Mount {
  /** Absolute host path for a bind mount, or the volume name for a named volume. */
  source: string;
  target: string;
  named: boolean;
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: unknown;
  native?: NativeSpec;
  environment: Record<string, string>;
  ports: PortMapping[];
  mounts: Mount[];
  command: string[];
  healthcheck?: string[];
  dependsOn: string[];
}

export interface ComposeFile {
  services: ComposeService[];
}

type Raw = Record<string, unknown>;

export class ComposeError extends Error {}

/**
 * Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `$$`), as `docker compose` applies it to the file before use.
 */
export function interpolate(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const current = env[key];
      const missing = current === undefined || (colon === ':' && current === '');
      if (op === '-') return missing ? arg ?? '' : current!;
      if (op === '?') {
        if (missing) throw new ComposeError(`${key} must be set: ${arg || 'required by docker-compose.yml'}`);
        return current!;
      }
      return current ?? '';
    });
}

function asStringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.map(String);
  throw new ComposeError(`${what} must be a string or a list`);
}

function parseEnvironment(raw: unknown, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const entry of raw.map(String)) {
      const eq = entry.indexOf('=');
      if (eq < 0) out[entry] = env[entry] ?? '';
      else out[entry.slice(0, eq)] = interpolate(entry.slice(eq + 1), env);
    }
  } else if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Raw)) {
      out[key] = value === null || value === undefined ? env[key] ?? '' : interpolate(String(value), env);
    }
  }
  return out;
}

function parsePorts(raw: unknown, service: string): PortMapping[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry) => {
    if (entry && typeof entry === 'object') {
      const { target, published } = entry as Raw;
      return { container: Number(target), host: Number(published ?? target) };
    }
    const parts = String(entry).split('/')[0]!.split(':');
    const container = Number(parts[parts.length - 1]);
    const host = parts.length >= 2 ? Number(parts[parts.length - 2]) : container;
    if (!Number.isInteger(container) || !Number.isInteger(host)) {
      throw new ComposeError(`services.${service}.ports: cannot read "${String(entry)}" (use HOST:CONTAINER)`);
    }
    return { host, container };
  });
}

function parseMounts(raw: unknown, root: string): Mount[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry) => {
    const [source = '', target = ''] = String(entry).split(':');
    const named = !source.startsWith('.') && !isAbsolute(source);
    return { source: named ? source : isAbsolute(source) ? source : join(root, source), target, named };
  });
}

function parseDependsOn(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (raw && typeof raw === 'object') return Object.keys(raw as Raw);
  return [];
}

/** The compose files, parsed and merged in order as `docker compose -f … -f …` does (compose-merge.ts). */
export function parseCompose(texts: string | string[], root: string, env: NodeJS.ProcessEnv = process.env): ComposeFile {
  const docs = (Array.isArray(texts) ? texts : [texts]).map((text) => (parse(text, { merge: true }) as Raw | null) ?? {});
  const doc = docs.reduce((merged, next) => mergeCompose(merged, next));
  const rawServices = doc?.services as Record<string, Raw> | undefined;
  if (!rawServices || typeof rawServices !== 'object') throw new ComposeError('docker-compose.yml has no services');
  const services = Object.entries(rawServices).map(([name, raw]): ComposeService => ({
    name,
    image: typeof raw.image === 'string' ? interpolate(raw.image, env) : undefined,
    build: raw.build,
    native: raw['x-native'] as NativeSpec | undefined,
    environment: parseEnvironment(raw.environment, env),
    ports: parsePorts(raw.ports, name),
    mounts: parseMounts(raw.volumes, root),
    command: asStringList(raw.command, `services.${name}.command`).map((arg) => interpolate(arg, env)),
    healthcheck: raw.healthcheck ? asStringList((raw.healthcheck as Raw).test, `services.${name}.healthcheck.test`).map((arg) => interpolate(arg, env)) : undefined,
    dependsOn: parseDependsOn(raw.depends_on),
  }));
  return { services };
}

export function loadCompose(files: string | string[], root: string, env: NodeJS.ProcessEnv = process.env): ComposeFile {
  return parseCompose((Array.isArray(files) ? files : [files]).map((f) => readFileSync(f, 'utf8')), root, env);
}

/** Services in an order where each comes after everything it depends on. */
export function startOrder(services: ComposeService[]): ComposeService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: ComposeService[] = [];
  const visit = (s: ComposeService) => {
    if (done.has(s.name)) return;
    if (visiting.has(s.name)) throw new ComposeError(`depends_on cycle through ${s.name}`);
    visiting.add(s.name);
    for (const dep of s.dependsOn) {
      const target = byName.get(dep);
      if (!target) throw new ComposeError(`services.${s.name}.depends_on names unknown service ${dep}`);
      visit(target);
    }
    visiting.delete(s.name);
    done.add(s.name);
    order.push(s);
  };
  services.forEach(visit);
  return order;
}

/**
 * The compose file read only for its addresses and environment (tests, scripts): variables that
 * must be set to start the stack, such as HOPTRACE_ADMIN_TOKEN, get a placeholder here.
 */
export function loadComposeForAddresses(files: string | string[], root: string): ComposeFile {
  return loadCompose(files, root, { ...process.env, HOPTRACE_ADMIN_TOKEN: process.env.HOPTRACE_ADMIN_TOKEN ?? 'not-needed-for-addresses' });
}

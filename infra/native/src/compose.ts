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
  /** Compose `profiles`: none means the service always runs. */
  profiles: string[];
  environment: Record<string, string>;
  ports: PortMapping[];
  /**
   * `x-native.ports` (container port: native port): where a port that is not published lands
   * natively, where every service shares one host (the second broker's 9092, a replica's 9465).
   */
  nativePorts: PortMapping[];
  mounts: Mount[];
  command: string[];
  healthcheck?: string[];
  dependsOn: string[];
  /** depends_on entries with `required: false`: kept only when that service is active. */
  optionalDependsOn: string[];
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
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      match,
      name: string | undefined,
      colon: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const current = env[key];
      const missing = current === undefined || (colon === ':' && current === '');
      if (op === '-') return missing ? (arg ?? '') : current!;
      if (op === '?') {
        if (missing) throw new ComposeError(`${key} must be set: ${arg || 'required by docker-compose.yml'}`);
        return current!;
      }
      return current ?? '';
    },
  );
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
      out[key] = value === null || value === undefined ? (env[key] ?? '') : interpolate(String(value), env);
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

function parseDependsOn(raw: unknown): { required: string[]; optional: string[] } {
  if (Array.isArray(raw)) return { required: raw.map(String), optional: [] };
  if (!raw || typeof raw !== 'object') return { required: [], optional: [] };
  const entries = Object.entries(raw as Record<string, Raw | null>);
  const optional = (dep: Raw | null) => dep?.required === false || dep?.required === 'false';
  return {
    required: entries.filter(([, d]) => !optional(d)).map(([n]) => n),
    optional: entries.filter(([, d]) => optional(d)).map(([n]) => n),
  };
}

function parseNativePorts(native: NativeSpec | undefined, service: string): PortMapping[] {
  const raw = native?.ports;
  if (raw === undefined) return [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ComposeError(`services.${service}.x-native.ports must map container ports to native ports`);
  return Object.entries(raw as Raw).map(([container, host]) => {
    const mapping = { container: Number(container), host: Number(host) };
    if (!Number.isInteger(mapping.container) || !Number.isInteger(mapping.host))
      throw new ComposeError(`services.${service}.x-native.ports: "${container}: ${String(host)}" is not a port mapping`);
    return mapping;
  });
}

/** The compose files, parsed and merged in order as `docker compose -f … -f …` does (compose-merge.ts). */
export function parseCompose(texts: string | string[], root: string, env: NodeJS.ProcessEnv = process.env): ComposeFile {
  const docs = (Array.isArray(texts) ? texts : [texts]).map((text) => (parse(text, { merge: true }) as Raw | null) ?? {});
  const doc = docs.reduce((merged, next) => mergeCompose(merged, next));
  const rawServices = doc?.services as Record<string, Raw> | undefined;
  if (!rawServices || typeof rawServices !== 'object') throw new ComposeError('docker-compose.yml has no services');
  const services = Object.entries(rawServices).map(([name, raw]): ComposeService => {
    const native = raw['x-native'] as NativeSpec | undefined;
    const dependsOn = parseDependsOn(raw.depends_on);
    return {
      name,
      image: typeof raw.image === 'string' ? interpolate(raw.image, env) : undefined,
      build: raw.build,
      native,
      profiles: asStringList(raw.profiles, `services.${name}.profiles`),
      environment: parseEnvironment(raw.environment, env),
      ports: parsePorts(raw.ports, name),
      nativePorts: parseNativePorts(native, name),
      mounts: parseMounts(raw.volumes, root),
      command: asStringList(raw.command, `services.${name}.command`).map((arg) => interpolate(arg, env)),
      healthcheck: raw.healthcheck
        ? asStringList((raw.healthcheck as Raw).test, `services.${name}.healthcheck.test`).map((arg) => interpolate(arg, env))
        : undefined,
      dependsOn: dependsOn.required,
      optionalDependsOn: dependsOn.optional,
    };
  });
  return { services };
}

export function loadCompose(files: string | string[], root: string, env: NodeJS.ProcessEnv = process.env): ComposeFile {
  return parseCompose(
    (Array.isArray(files) ? files : [files]).map((f) => readFileSync(f, 'utf8')),
    root,
    env,
  );
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
 * Compose's profile rule: a service without `profiles` is always enabled, one with profiles only
 * when one of them is active (`*` activates all). A dependency on a service that is not enabled
 * makes the model invalid, unless it is declared `required: false`, when it is dropped.
 */
export function activeServices(services: ComposeService[], profiles: string[]): ComposeService[] {
  const enabled = (s: ComposeService) => s.profiles.length === 0 || profiles.includes('*') || s.profiles.some((p) => profiles.includes(p));
  const active = services.filter(enabled);
  const names = new Set(active.map((s) => s.name));
  return active.map((s) => {
    const missing = s.dependsOn.filter((d) => !names.has(d));
    if (missing.length) {
      const why = (d: string) => {
        const dep = services.find((x) => x.name === d);
        return dep ? `${d}, which runs only with profile ${dep.profiles.join(' or ')}` : `unknown service ${d}`;
      };
      throw new ComposeError(
        `services.${s.name}.depends_on names ${missing.map(why).join(', ')} (active profiles: ${profiles.join(', ') || 'none'}; mark it required: false if ${s.name} can run without it)`,
      );
    }
    return { ...s, dependsOn: [...s.dependsOn, ...s.optionalDependsOn.filter((d) => names.has(d))], optionalDependsOn: [] };
  });
}

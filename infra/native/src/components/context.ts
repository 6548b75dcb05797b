import { join } from 'node:path';
import type { AddressMap } from '../addresses';
import type { ComposeService } from '../compose';
import type { PkiPaths } from '../../../../packages/pki/src/index';
import type { Paths } from '../paths';
import type { DebianNeed } from '../provision/debian';
import type { Driver } from '../supervisor';

export interface NativeContext {
  paths: Paths;
  addresses: AddressMap;
  service: ComposeService;
  /** Secure mode: the local CA and the identities it issued (.hoptrace/data/pki). */
  pki?: PkiPaths;
  /** Services of the file that do not run (their profile is not active). */
  inactive: string[];
}

/** A driver plus what must be on the machine before it can start. */
export interface NativeComponent extends Driver {
  debian: DebianNeed[];
  /** Downloads or builds into the cache; steps with the same label run once. */
  provision: { label: string; run: () => Promise<void> }[];
}

/**
 * Where a path inside the container lives natively: a named volume becomes a folder of the
 * state directory, a bind mount its source in the checkout.
 */
export function hostPath(ctx: NativeContext, containerPath: string): string | undefined {
  const mount = ctx.service.mounts
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount) return undefined;
  const base = mount.named ? join(ctx.paths.state, 'data', mount.source) : mount.source;
  return join(base, containerPath.slice(mount.target.length));
}

export function requireHostPath(ctx: NativeContext, containerPath: string): string {
  const path = hostPath(ctx, containerPath);
  if (!path)
    throw new Error(
      `services.${ctx.service.name}: ${containerPath} is not on a volume in docker-compose.yml, so it has no native location`,
    );
  return path;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Paths on the service's volumes inside a value (secure mode's certificates: a whole value, or
 * inside one, as in Kafka's `${dir:/etc/hoptrace/pki:kafka.key}`) become their native paths.
 */
export function nativeValue(ctx: NativeContext, value: string): string {
  let out = value;
  for (const mount of [...ctx.service.mounts].sort((a, b) => b.target.length - a.target.length)) {
    const base = mount.named ? join(ctx.paths.state, 'data', mount.source) : mount.source;
    out = out.replace(new RegExp(`(^|[^\\w./-])${escapeRegExp(mount.target)}(?=$|[/:"';,])`, 'g'), (_m, lead: string) => `${lead}${base}`);
  }
  return out;
}

/**
 * The process environment compose gives the container, with addresses mapped to native ones, and
 * paths on its volumes to where those volumes are natively.
 */
export function nativeEnv(ctx: NativeContext, extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  const mapped = Object.entries(ctx.addresses.mapEnvironment(ctx.service.environment, ctx.service.name)).map(([k, v]) => [
    k,
    nativeValue(ctx, v),
  ]);
  return { ...base, ...Object.fromEntries(mapped), ...extra };
}

/** The URL a compose healthcheck fetches, as seen from the host. */
export function healthUrl(ctx: NativeContext): string | undefined {
  const url = ctx.service.healthcheck?.join(' ').match(/https?:\/\/[^\s'"]+/)?.[0];
  return url ? ctx.addresses.map(url, ctx.service.name).replace('//localhost:', `//${ctx.addresses.host}:`) : undefined;
}

/**
 * A healthcheck that checks a gRPC server (a `grpc://host:port` target, by the standard health
 * service): its command as the runner runs it, from the checkout, addresses mapped as for
 * healthUrl. Compose runs it in the container; natively it is the same script on the host.
 */
export function grpcHealthCommand(ctx: NativeContext): string[] | undefined {
  const test = ctx.service.healthcheck;
  if (!test?.some((arg) => /^grpc:\/\//.test(arg))) return undefined;
  const args = test[0] === 'CMD' ? test.slice(1) : test;
  return args.map((arg) =>
    /^grpc:\/\//.test(arg) ? ctx.addresses.map(arg, ctx.service.name).replace('//localhost:', `//${ctx.addresses.host}:`) : arg,
  );
}

export function publishedPorts(ctx: NativeContext): number[] {
  return ctx.service.ports.map((p) => p.host);
}

export function nativeString(ctx: NativeContext, key: string): string {
  const value = ctx.service.native?.[key];
  if (typeof value !== 'string' || !value)
    throw new Error(`services.${ctx.service.name}.x-native.${key} must be set in docker-compose.yml`);
  return value;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJaegerBinary } from '../provision/jaeger-build';
import { httpOk } from '../wait';
import { type NativeComponent, type NativeContext, hostPath, healthUrl, nativeEnv, nativeString, publishedPorts } from './context';

export function createJaeger(ctx: NativeContext): NativeComponent {
  const module = nativeString(ctx, 'module');
  const version = nativeString(ctx, 'version');
  const binary = join(ctx.paths.cache, 'jaeger', version, 'jaeger');
  const health = healthUrl(ctx);
  if (!health) throw new Error(`services.${ctx.service.name}.healthcheck must fetch an http:// URL`);
  const api = `http://${ctx.addresses.host}:${ctx.addresses.port(ctx.service.name, 16686)}`;
  // Trace storage: a folder of the state directory natively (compose keeps it in the container).
  const badgerDir = join(ctx.paths.state, 'data', 'jaeger');
  return {
    name: ctx.service.name,
    kind: 'jaeger',
    ports: publishedPorts(ctx),
    debian: [],
    provision: [{ label: `Jaeger ${version} binary (Go build, a few minutes on first run)`, run: async () => { await ensureJaegerBinary(ctx.paths.cache, module, version); } }],
    readyTimeoutMs: 60_000,
    urls: [
      { label: 'Jaeger HTTP API (natively no UI: the module ships a placeholder page)', url: `${api}/api/services` },
      { label: 'OTLP/HTTP traces', url: `http://${ctx.addresses.host}:${ctx.addresses.port(ctx.service.name, 4318)}/v1/traces` },
    ],
    async prepare() {
      mkdirSync(badgerDir, { recursive: true });
    },
    launch() {
      // The compose command names container paths; bind mounts say where they are natively.
      const args = ctx.service.command.map((arg) => (arg.startsWith('/') ? hostPath(ctx, arg) ?? arg : arg));
      return { command: binary, args, env: nativeEnv(ctx, { JAEGER_BADGER_DIR: badgerDir }), cwd: ctx.paths.root };
    },
    ready: () => httpOk(health),
  };
}

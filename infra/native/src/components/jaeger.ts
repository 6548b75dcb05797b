import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { warn } from '../progress';
import { ensureJaegerBinary } from '../provision/jaeger-build';
import { ensureJaegerUiAssets, jaegerUiReleaseUrl, JaegerUiUnavailable } from '../provision/jaeger-ui';
import { httpOk } from '../wait';
import { type NativeComponent, type NativeContext, hostPath, healthUrl, nativeEnv, nativeString, publishedPorts } from './context';

export function createJaeger(ctx: NativeContext): NativeComponent {
  const module = nativeString(ctx, 'module');
  const version = nativeString(ctx, 'version');
  const uiVersion = nativeString(ctx, 'ui_version');
  const uiUrl = jaegerUiReleaseUrl(uiVersion);
  const binary = join(ctx.paths.cache, 'jaeger', version, 'jaeger');
  const health = healthUrl(ctx);
  if (!health) throw new Error(`services.${ctx.service.name}.healthcheck must fetch an http:// URL`);
  // Secure mode serves the query API and OTLP over TLS (infra/jaeger/secure.yaml).
  const scheme = ctx.pki ? 'https' : 'http';
  const api = `${scheme}://${ctx.addresses.host}:${ctx.addresses.port(ctx.service.name, 16686)}`;
  // Trace storage: a folder of the state directory natively (compose keeps it in the container).
  const badgerDir = join(ctx.paths.state, 'data', 'jaeger');
  // Set once provisioned; without it Jaeger serves the placeholder page its Go module embeds.
  let uiAssets: string | undefined;
  const provisionUi = async () => {
    try {
      uiAssets = await ensureJaegerUiAssets(ctx.paths.cache, uiVersion, { path: ctx.paths.jaegerUiAssets, url: uiUrl });
    } catch (err) {
      if (!(err instanceof JaegerUiUnavailable)) throw err;
      const fix = ctx.paths.jaegerUiAssets
        ? `set HOPTRACE_JAEGER_UI_ASSETS to jaeger-ui ${uiVersion}'s assets.tar.gz (${uiUrl}) or a directory of its build`
        : 'get that archive another way and set HOPTRACE_JAEGER_UI_ASSETS to it (or to a directory of its build)';
      warn(`Jaeger UI: ${err.message}; Jaeger serves its placeholder page instead. For the real UI, ${fix}.`);
    }
  };
  return {
    name: ctx.service.name,
    kind: 'jaeger',
    ports: publishedPorts(ctx),
    debian: [],
    provision: [
      {
        label: `Jaeger ${version} binary (Go build, a few minutes on first run)`,
        run: async () => {
          await ensureJaegerBinary(ctx.paths.cache, module, version);
        },
      },
      { label: `Jaeger UI ${uiVersion} assets`, run: provisionUi },
    ],
    readyTimeoutMs: 60_000,
    get urls() {
      return [
        uiAssets ? { label: 'Jaeger UI', url: `${api}/search` } : { label: 'Jaeger (placeholder page, no UI)', url: `${api}/api/services` },
        { label: 'OTLP/HTTP traces', url: `${scheme}://${ctx.addresses.host}:${ctx.addresses.port(ctx.service.name, 4318)}/v1/traces` },
      ];
    },
    async prepare() {
      mkdirSync(badgerDir, { recursive: true });
    },
    launch() {
      // The compose command names container paths; bind mounts say where they are natively.
      const args = ctx.service.command.map((arg) => (arg.startsWith('/') ? (hostPath(ctx, arg) ?? arg) : arg));
      // infra/jaeger/config.yaml reads JAEGER_UI_ASSETS_PATH; compose leaves it unset (the image embeds the UI).
      const ui: Record<string, string> = uiAssets ? { JAEGER_UI_ASSETS_PATH: uiAssets } : {};
      return { command: binary, args, env: nativeEnv(ctx, { JAEGER_BADGER_DIR: badgerDir, ...ui }), cwd: ctx.paths.root };
    },
    ready: () => httpOk(health),
  };
}

import { runCommand } from '../provision/command';
import type { Dispatcher } from 'undici';
import { adminDispatcher } from '../secure/client';
import { httpOk } from '../wait';
import { type NativeComponent, type NativeContext, grpcHealthCommand, healthUrl, nativeEnv } from './context';

/**
 * An app service: the compose command (`node --require … services/<name>/dist/main.js`, run from
 * /app in the image) runs from the checkout's root with the same environment.
 */
export function createNodeService(ctx: NativeContext): NativeComponent {
  const health = healthUrl(ctx);
  const grpcHealth = grpcHealthCommand(ctx);
  if (!health && !grpcHealth)
    throw new Error(`services.${ctx.service.name}.healthcheck must fetch an http:// or https:// URL or check a grpc:// target`);
  // Secure mode's HTTP health check speaks mutual TLS as the compose one does, as hoptrace-admin.
  let dispatcher: Dispatcher | undefined;
  const probeInit = () =>
    health?.startsWith('https:') && ctx.pki ? ({ dispatcher: (dispatcher ??= adminDispatcher(ctx.pki)) } as RequestInit) : {};
  const [command, ...args] = ctx.service.command;
  if (!command) throw new Error(`services.${ctx.service.name}.command must say how to start it`);
  // PORT and OTEL_EXPORTER_PROMETHEUS_PORT are the ports it listens on (a test holds compose to
  // that): natively a replica's land where its published or x-native ports say.
  const listening = (name: string) =>
    ctx.service.environment[name] ? { [name]: String(ctx.addresses.port(ctx.service.name, Number(ctx.service.environment[name]))) } : {};
  const env = { ...ctx.service.environment, ...listening('PORT'), ...listening('OTEL_EXPORTER_PROMETHEUS_PORT') };
  const ports = [
    ...new Set([...ctx.service.ports.map((p) => p.host), Number(env.PORT), Number(env.OTEL_EXPORTER_PROMETHEUS_PORT)].filter((p) => p > 0)),
  ];
  return {
    name: ctx.service.name,
    kind: 'node',
    ports,
    debian: [],
    provision: [
      {
        label: 'build of services, packages and storefront (npm run build)',
        run: async () => {
          await runCommand('npm', ['run', '-s', 'build'], { cwd: ctx.paths.root, label: 'compiling TypeScript' });
        },
      },
    ],
    readyTimeoutMs: 60_000,
    // `x-native.label` names what the service's first published port serves, e.g. the storefront.
    urls:
      typeof ctx.service.native?.label === 'string' && ctx.service.ports[0]
        ? [
            {
              label: ctx.service.native.label,
              url: health?.startsWith('https:')
                ? `https://${ctx.addresses.host}:${new URL(health).port}/`
                : `http://${ctx.addresses.host}:${ctx.service.ports[0].host}/`,
            },
          ]
        : [],
    async prepare() {},
    // `node` is the runner's own binary, the pinned Node (node-runtime.ts), not whichever `node` PATH finds.
    launch: () => ({
      command: command === 'node' ? process.execPath : command,
      args,
      env: nativeEnv(ctx, { NODE_ENV: 'production', ...listening('PORT'), ...listening('OTEL_EXPORTER_PROMETHEUS_PORT') }),
      cwd: ctx.paths.root,
      stopTimeoutMs: 20_000,
    }),
    ready: async () => {
      if (health) return httpOk(health, 2000, probeInit());
      const [probe, ...probeArgs] = grpcHealth!;
      // The compose healthcheck's own command (`node packages/grpc/dist/health-probe.js grpc://…`), run by the
      // pinned Node with the service's environment (in secure mode it presents the service's certificate).
      await runCommand(probe === 'node' ? process.execPath : probe!, probeArgs, { cwd: ctx.paths.root, env: nativeEnv(ctx) });
      return true;
    },
  };
}

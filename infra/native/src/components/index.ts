import type { AddressMap } from '../addresses';
import type { ComposeService } from '../compose';
import type { PkiPaths } from '../../../../packages/pki/src/index';
import type { Paths } from '../paths';
import type { NativeComponent, NativeContext } from './context';
import { createJaeger } from './jaeger';
import { createKafka } from './kafka';
import { createNodeService } from './node-service';
import { createPostgres } from './postgres';
import { createPrometheus } from './prometheus';

const factories: Record<string, (ctx: NativeContext) => NativeComponent> = {
  kafka: createKafka,
  jaeger: createJaeger,
  prometheus: createPrometheus,
  postgres: createPostgres,
  node: createNodeService,
};

export const NATIVE_KINDS = Object.keys(factories);
export const COMPOSE_ONLY = 'compose-only';

export interface Plan {
  components: NativeComponent[];
  composeOnly: { name: string; reason: string }[];
}

/** What the runner does with each compose service: run it natively, or name it as compose-only. */
export function planNative(
  order: ComposeService[],
  paths: Paths,
  addresses: AddressMap,
  all: ComposeService[] = order,
  pki?: PkiPaths,
): Plan {
  const plan: Plan = { components: [], composeOnly: [] };
  const active = new Set(order.map((s) => s.name));
  const inactive = all.map((s) => s.name).filter((n) => !active.has(n));
  for (const service of order) {
    const kind = service.native?.kind;
    if (kind === COMPOSE_ONLY) {
      plan.composeOnly.push({ name: service.name, reason: String(service.native?.reason ?? 'compose only') });
      continue;
    }
    const factory = kind ? factories[kind] : undefined;
    if (!factory) {
      throw new Error(
        `services.${service.name} in docker-compose.yml needs x-native.kind: one of ${[...NATIVE_KINDS, COMPOSE_ONLY].join(', ')}`,
      );
    }
    plan.components.push(factory({ paths, addresses, service, inactive, pki }));
  }
  return plan;
}

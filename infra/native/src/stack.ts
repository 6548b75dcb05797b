import type { ComposeService } from './compose';
import type { NativeComponent } from './components/context';
import { Supervised, type Status } from './supervisor';

/** The group name `npm run stack -- restart apps` uses for every app service. */
export const APPS = 'apps';

/** The running native topology: starts components as their compose dependencies become ready. */
export class Stack {
  readonly members: Supervised[];
  private readonly dependsOn: Map<string, string[]>;

  constructor(components: NativeComponent[], services: ComposeService[], stateDir: string, echo: boolean) {
    this.members = components.map((c) => new Supervised(c, stateDir, echo));
    const native = new Set(components.map((c) => c.name));
    this.dependsOn = new Map(services.map((s) => [s.name, s.dependsOn.filter((d) => native.has(d))]));
  }

  get(name: string): Supervised {
    const member = this.members.find((m) => m.name === name);
    if (!member) throw new Error(`no component named ${name}; the native stack has ${this.members.map((m) => m.name).join(', ')}`);
    return member;
  }

  /** `apps` names every app service (kind node); anything else one component. */
  select(target: string): Supervised[] {
    if (target === APPS) return this.members.filter((m) => m.driver.kind === 'node');
    return [this.get(target)];
  }

  /** Everything without unmet dependencies starts at once: the warm start is as fast as the slowest chain. */
  async startAll(onReady: (m: Supervised) => void): Promise<void> {
    await this.inDependencyOrder(this.members, (m) => m.start(), onReady);
  }

  /**
   * Stops `members` (dependents first), then starts them again with `extraEnv` in dependency
   * order; dependencies outside the set are taken as running.
   */
  async restart(members: Supervised[], extraEnv: Record<string, string>): Promise<void> {
    for (const m of [...members].reverse()) await m.stop();
    await this.inDependencyOrder(members, (m) => m.restart(extraEnv));
  }

  private async inDependencyOrder(
    members: Supervised[],
    start: (m: Supervised) => Promise<void>,
    onReady?: (m: Supervised) => void,
  ): Promise<void> {
    const included = new Set(members.map((m) => m.name));
    const started = new Map<string, Promise<void>>();
    const startOne = (m: Supervised): Promise<void> => {
      let promise = started.get(m.name);
      if (!promise) {
        const deps = (this.dependsOn.get(m.name) ?? []).filter((d) => included.has(d)).map((d) => startOne(this.get(d)));
        promise = Promise.all(deps)
          .then(() => start(m))
          .then(() => onReady?.(m));
        started.set(m.name, promise);
      }
      return promise;
    };
    const results = await Promise.allSettled(members.map(startOne));
    const failed = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
    );
    if (failed.length) throw new Error([...new Set(failed)].join('\n'));
  }

  /** Reverse start order: the services before the infrastructure they flush into. */
  async stopAll(onStopped?: (m: Supervised) => void): Promise<void> {
    for (const m of [...this.members].reverse()) {
      await m.stop();
      onStopped?.(m);
    }
  }

  status(): Status[] {
    return this.members.map((m) => m.status());
  }
}

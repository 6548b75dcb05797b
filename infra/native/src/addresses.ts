import type { ComposeService } from './compose';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Translates compose-network addresses into native ones: every service's host name becomes
 * 127.0.0.1, and a container port that the service publishes as HOST:CONTAINER becomes HOST, or
 * the native port its `x-native.ports` gives (services that share a container port, such as the
 * brokers' 9092, need distinct ones on one host).
 * Only real host references change: `host:port`, `//host/…` and `@host…`, never a bare word such as
 * a user name that happens to equal a service name.
 */
export class AddressMap {
  private readonly published = new Map<string, Map<number, number>>();
  private readonly withPort: RegExp;
  private readonly inUrl: RegExp;

  constructor(
    services: ComposeService[],
    readonly host = '127.0.0.1',
  ) {
    for (const s of services) this.published.set(s.name, new Map([...s.ports, ...s.nativePorts].map((p) => [p.container, p.host])));
    const names = services
      .map((s) => escape(s.name))
      .sort((a, b) => b.length - a.length)
      .join('|');
    this.withPort = new RegExp(`(^|//|@|,|\\s|\\[)(${names}|localhost):(\\d+)(?![\\w.-])`, 'g');
    this.inUrl = new RegExp(`(//|@)(${names})(?=/|$|\\?)`, 'g');
  }

  /** The native port for `service:containerPort`. */
  port(service: string, containerPort: number): number {
    return this.published.get(service)?.get(containerPort) ?? containerPort;
  }

  /**
   * Rewrites the addresses inside a configuration value. `self` names the service whose value it
   * is: `localhost` inside a container means that container, so it maps through its own ports.
   */
  map(value: string, self?: string): string {
    return value
      .replace(this.withPort, (match, lead: string, name: string, port: string) => {
        const owner = name === 'localhost' ? self : name;
        if (!owner) return match;
        const host = name === 'localhost' ? 'localhost' : this.host;
        return `${lead}${host}:${this.port(owner, Number(port))}`;
      })
      .replace(this.inUrl, (_m, lead: string) => `${lead}${this.host}`);
  }

  mapEnvironment(env: Record<string, string>, self?: string): Record<string, string> {
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, this.map(v, self)]));
  }
}

import { pollUntil } from './poll';

/**
 * A small client for Jaeger's HTTP query API (the JSON API the classic UI uses, `/api/...`).
 * The v3 API (`/api/v3/traces`) is not used: its search fails with a 500 unless `query.num_traces`
 * is given; the v1 shape is the one the types below and model.ts describe.
 */

export const DEFAULT_JAEGER_QUERY_URL = 'http://127.0.0.1:16686';

export type JaegerRefType = 'CHILD_OF' | 'FOLLOWS_FROM';
export type JaegerValue = string | number | boolean;
export interface JaegerKeyValue {
  key: string;
  type?: string;
  value: JaegerValue;
}
export interface JaegerReference {
  refType: JaegerRefType;
  traceID: string;
  spanID: string;
}
export interface JaegerLog {
  timestamp: number;
  fields: JaegerKeyValue[];
}
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: JaegerReference[] | null;
  startTime: number; // µs since the epoch
  duration: number; // µs
  tags?: JaegerKeyValue[] | null;
  logs?: JaegerLog[] | null;
  processID: string;
}
export interface JaegerProcess {
  serviceName: string;
  tags?: JaegerKeyValue[] | null;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
}

interface Envelope<T> {
  data: T | null;
  errors?: { code: number; msg: string }[] | null;
}

/** Every failure to talk to Jaeger: the CLI turns these into exit code 2. */
export class JaegerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'JaegerError';
  }
}

export interface JaegerClientOptions {
  /** Defaults to JAEGER_QUERY_URL, then http://127.0.0.1:16686. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface TraceSearch {
  service: string;
  startUs: number;
  endUs: number;
  /** Jaeger answers 100 traces when no limit is given, and a 500 for 0 or ≥ its max_traces. */
  limit?: number;
  operation?: string;
  /** Span tags every matching trace must carry somewhere, e.g. { 'order.id': '…' }. */
  tags?: Record<string, string>;
}

export class JaegerClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: JaegerClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? process.env.JAEGER_QUERY_URL ?? DEFAULT_JAEGER_QUERY_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * One trace by id, or undefined when Jaeger does not know it (yet). `raw`: the spans' own
   * timestamps. Otherwise Jaeger's query adjusters run, and its clock-skew adjustment (on here for
   * browser spans) moves a child that starts after its parent ended into the parent, as if the
   * hosts' clocks disagreed: the outbox relay's `send orders.placed` was shown inside the request
   * that wrote the row, up to 60 ms before the payment that preceded it. Timings want `raw`.
   */
  async getTrace(traceId: string, { raw = false }: { raw?: boolean } = {}): Promise<JaegerTrace | undefined> {
    const body = await this.get<JaegerTrace[]>(`/api/traces/${encodeURIComponent(traceId)}${raw ? '?raw=true' : ''}`, [404]);
    return body?.[0];
  }

  async services(): Promise<string[]> {
    return (await this.get<string[]>('/api/services')) ?? [];
  }

  async findTraces(search: TraceSearch): Promise<JaegerTrace[]> {
    const params = new URLSearchParams({
      service: search.service,
      start: String(Math.floor(search.startUs)),
      end: String(Math.ceil(search.endUs)),
      limit: String(search.limit ?? 100),
    });
    if (search.operation) params.set('operation', search.operation);
    if (search.tags) params.set('tags', JSON.stringify(search.tags));
    return (await this.get<JaegerTrace[]>(`/api/traces?${params}`)) ?? [];
  }

  /**
   * Traces touching any of the services in a time window, each once. Search is per service
   * (Jaeger refuses a search without one), so a trace crossing six services comes back six times.
   */
  async findTracesInWindow(
    window: Omit<TraceSearch, 'service'> & { services?: string[] },
    onProgress: (message: string) => void = () => {},
  ): Promise<JaegerTrace[]> {
    // Jaeger traces itself under the service "jaeger"; those are not hoptrace's.
    const services = window.services ?? (await this.services()).filter((s) => s !== 'jaeger');
    const byId = new Map<string, JaegerTrace>();
    for (const service of services) {
      const found = await this.findTraces({ ...window, service });
      onProgress(
        `${service}: ${found.length} traces${found.length === (window.limit ?? 100) ? ' (limit reached: older ones left out)' : ''}`,
      );
      for (const trace of found) if (!byId.has(trace.traceID)) byId.set(trace.traceID, trace);
    }
    return [...byId.values()];
  }

  /**
   * Waits until the trace exists and its span count has stopped growing for `settleMs`:
   * services flush their span batches independently (BatchSpanProcessor: every 5 s by default),
   * so a trace seen early may still lack its Kafka consumers. A 2 s settle proved too short on
   * the live stack (29 spans, then 46), hence just over one batch delay. Even a stable count can
   * mislead when a consumer runs late, so `isComplete` may demand more (the CLI: no orphans left).
   * Returns the latest trace seen (undefined if none) at the deadline too; with `onError`, a
   * failed read (Jaeger restarting) is reported there and the waiting goes on.
   */
  async waitForTrace(
    traceId: string,
    timeoutMs: number,
    {
      settleMs = 6_000,
      isComplete = () => true,
      onError,
    }: { settleMs?: number; isComplete?: (trace: JaegerTrace) => boolean; onError?: (err: Error) => void } = {},
  ): Promise<JaegerTrace | undefined> {
    let latest: JaegerTrace | undefined;
    let stableSince = Date.now();
    const read = async () => {
      let next: JaegerTrace | undefined;
      try {
        next = await this.getTrace(traceId);
      } catch (err) {
        if (!onError) throw err;
        onError(err as Error);
        return latest;
      }
      if (!latest || !next || next.spans.length !== latest.spans.length) stableSince = Date.now();
      latest = next ?? latest;
      return latest;
    };
    const settled = (trace: JaegerTrace | undefined) => !!trace && Date.now() - stableSince >= settleMs && isComplete(trace);
    return (await pollUntil(read, settled, { timeoutMs, intervalMs: 500 })).value;
  }

  private async get<T>(path: string, absentStatuses: number[] = []): Promise<T | undefined> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      const err = error as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError')
        throw new JaegerError(`Jaeger at ${this.baseUrl} did not answer within ${this.timeoutMs} ms (${path})`);
      // undici hides the reason (ECONNREFUSED, ENOTFOUND, bad port) in `cause`.
      const code = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new JaegerError(`Jaeger at ${this.baseUrl} is unreachable (${code})`);
    }
    if (absentStatuses.includes(response.status)) return undefined;
    const text = await response.text();
    let body: Envelope<T> | undefined;
    try {
      body = JSON.parse(text) as Envelope<T>;
    } catch {
      // Not JSON: a proxy, or something else listening on the port.
    }
    if (!response.ok || !body) {
      const reason = body?.errors?.map((e) => e.msg).join('; ') || text.slice(0, 200) || response.statusText;
      throw new JaegerError(`Jaeger at ${this.baseUrl} answered ${response.status} to GET ${path}: ${reason}`, response.status);
    }
    return body.data ?? undefined;
  }
}

import { Pool } from 'undici';

/** What one request came back with: status 0 and the error's code when no response arrived. */
export interface Outcome {
  status: number;
  /** `error.code` of the JSON error body, or the network error's code. */
  code?: string;
  body?: unknown;
}

/**
 * The shop's public API over one undici connection pool. undici (Node's own HTTP client) gives
 * keep-alive connections and a queue per pool; the pool is sized well above what the stack can
 * serve at once, so requests wait in the server, not in the load generator, and the open model's
 * queueing shows in the server's latency.
 */
export class ShopClient {
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(
    readonly baseUrl: string,
    adminToken: string,
    connections = 256,
    private readonly timeoutMs = 15_000,
  ) {
    this.pool = new Pool(baseUrl, { connections, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 30_000 });
    // Every request carries the admin token: admin clients are exempt from the per-client rate
    // limit, and per-request fault baggage is only honoured with it.
    this.headers = { authorization: `Bearer ${adminToken}` };
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Outcome> {
    try {
      const res = await this.pool.request({
        method,
        path,
        headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      const code = res.statusCode >= 400 ? (parsed as { error?: { code?: unknown } } | undefined)?.error?.code : undefined;
      return { status: res.statusCode, body: parsed, ...(typeof code === 'string' ? { code } : {}) };
    } catch (err) {
      const e = err as { code?: string; name?: string };
      return { status: 0, code: e.code ?? e.name ?? 'request_failed' };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

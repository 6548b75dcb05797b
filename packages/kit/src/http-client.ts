import { AppError, DependencyUnavailable } from './errors';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Return 5xx answers as they are instead of throwing (a proxy passes them on). */
  passServerErrors?: boolean;
}

/**
 * JSON over HTTP to another service. Network errors, timeouts and 5xx answers become
 * DependencyUnavailable; 2xx and 4xx answers are returned for the caller to interpret.
 */
export class JsonClient {
  constructor(readonly dependency: string, readonly baseUrl: string, readonly timeoutMs: number) {}

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse<T>> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const detail = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.cause?.code ?? e.message;
      throw new DependencyUnavailable(this.dependency, detail);
    }
    let body: unknown;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : undefined;
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new DependencyUnavailable(this.dependency, `no answer within ${timeoutMs} ms`);
      throw new DependencyUnavailable(this.dependency, `answered ${res.status} with a body that is not JSON`);
    }
    if (res.status >= 500 && !options.passServerErrors) {
      const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
      throw new DependencyUnavailable(this.dependency, `answered ${res.status}${message ? ` (${message})` : ''}`);
    }
    return { status: res.status, body: body as T };
  }
}

type ErrorShape = { error?: { code?: string; message?: string; fields?: Record<string, string> } };

/** Passes a success through; turns another service's 4xx answer back into the same AppError. */
export function expectSuccess<T>(res: JsonResponse<unknown>, dependency: string): T {
  if (res.status >= 200 && res.status < 300) return res.body as T;
  const { code = 'upstream_error', message = `${dependency} answered ${res.status}`, fields } = (res.body as ErrorShape | undefined)?.error ?? {};
  throw new AppError(res.status, code, message, fields);
}

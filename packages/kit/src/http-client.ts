import { BUDGET_HEADER, remainingBudget } from './deadline';
import { AppError, DependencyUnavailable } from './errors';
import { setTimeout as sleep } from 'node:timers/promises';

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
  /**
   * Safe to repeat (GET, or a request the callee deduplicates, e.g. by idempotency key): a
   * failed attempt is retried with backoff while the time budget lasts. Never set for others.
   */
  idempotent?: boolean;
  /**
   * Compensation (release, refund) must happen even when the request that needs it has used up
   * its time budget: it runs on the client's own timeout instead.
   */
  ignoreBudget?: boolean;
}

const RETRY_BACKOFF_MS = [100, 300];
/** upstreamCode of a DependencyUnavailable that was a timeout. */
export const TIMED_OUT = 'timeout';
/**
 * upstreamCode of a DependencyUnavailable whose request never reached the callee (no such host,
 * connection refused): even a request that is not safe to repeat may go to another instance.
 */
export const NOT_DELIVERED = 'not_delivered';
const UNDELIVERED_CAUSES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Kept back from the caller's remaining budget so an answer can still travel back in time. */
const BUDGET_MARGIN_MS = 50;

type ErrorShape = { error?: { code?: string; message?: string; fields?: Record<string, string> } };

/**
 * JSON over HTTP to another service, within the request's time budget. Network errors, timeouts
 * and 5xx answers become DependencyUnavailable; 2xx and 4xx answers are returned for the caller
 * to interpret.
 */
export class JsonClient {
  constructor(
    readonly dependency: string,
    readonly baseUrl: string,
    readonly timeoutMs: number,
  ) {}

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse<T>> {
    return withRetries(options.idempotent || method === 'GET', options.ignoreBudget, () => this.once<T>(method, path, options));
  }

  private async once<T>(method: string, path: string, options: RequestOptions): Promise<JsonResponse<T>> {
    const timeoutMs = callTimeoutMs(options.timeoutMs ?? this.timeoutMs, options.ignoreBudget);
    if (timeoutMs <= 0) throw new DependencyUnavailable(this.dependency, 'the time budget of the request is used up; not called');
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          accept: 'application/json',
          [BUDGET_HEADER]: String(timeoutMs),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') throw new DependencyUnavailable(this.dependency, `no answer within ${timeoutMs} ms`, TIMED_OUT);
      const cause = e.cause?.code;
      throw new DependencyUnavailable(
        this.dependency,
        cause ?? e.message,
        cause && UNDELIVERED_CAUSES.has(cause) ? NOT_DELIVERED : undefined,
      );
    }
    let body: unknown;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : undefined;
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError')
        throw new DependencyUnavailable(this.dependency, `no answer within ${timeoutMs} ms`, TIMED_OUT);
      throw new DependencyUnavailable(this.dependency, `answered ${res.status} with a body that is not JSON`);
    }
    if (res.status >= 500 && !options.passServerErrors) {
      const error = (body as ErrorShape | undefined)?.error;
      throw new DependencyUnavailable(this.dependency, `answered ${res.status}${error?.message ? ` (${error.message})` : ''}`, error?.code);
    }
    return { status: res.status, body: body as T };
  }
}

/**
 * Runs `call`, and when it is `idempotent` tries again with backoff after a DependencyUnavailable
 * while the request's time budget lasts (or regardless, with `ignoreBudget`). A timeout is not
 * retried: a slow callee stays slow, and the budget is better spent answering. Every client of
 * another service (JSON over HTTP, gRPC) retries this one way.
 */
export async function withRetries<T>(idempotent: boolean, ignoreBudget: boolean | undefined, call: () => Promise<T>): Promise<T> {
  const attempts = idempotent ? RETRY_BACKOFF_MS.length + 1 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const budget = remainingBudget();
      const backoff = RETRY_BACKOFF_MS[attempt - 1];
      const retriable =
        err instanceof DependencyUnavailable &&
        err.upstreamCode !== TIMED_OUT &&
        attempt < attempts &&
        backoff !== undefined &&
        (ignoreBudget || budget === undefined || budget > backoff + BUDGET_MARGIN_MS * 2);
      if (!retriable) throw err;
      await sleep(backoff);
    }
  }
}

/** The time a call to another service may take: its own limit, within what is left of the request's budget (less a margin for the answer to travel back). */
export function callTimeoutMs(limitMs: number, ignoreBudget?: boolean): number {
  const budget = ignoreBudget ? undefined : remainingBudget();
  return Math.floor(Math.min(limitMs, budget === undefined ? Infinity : budget - BUDGET_MARGIN_MS));
}

/** Passes a success through; turns another service's 4xx answer back into the same AppError. */
export function expectSuccess<T>(res: JsonResponse<unknown>, dependency: string): T {
  if (res.status >= 200 && res.status < 300) return res.body as T;
  const {
    code = 'upstream_error',
    message = `${dependency} answered ${res.status}`,
    fields,
  } = (res.body as ErrorShape | undefined)?.error ?? {};
  throw new AppError(res.status, code, message, fields);
}

import { AppError } from '@hoptrace/kit';
import type { Context, Next } from 'koa';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Requests per second per client address, and how many may come at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * `HOPTRACE_RATE_LIMIT`: `<n>/s` or `<n>/s,burst=<m>` (burst defaults to 2n), or `0` for no limit.
 * Returns null when the text is none of these.
 */
export function parseRateLimit(text: string): RateLimit | undefined | null {
  const value = text.trim();
  if (value === '0') return undefined;
  const match = /^(\d+)\/s(?:\s*,\s*burst=(\d+))?$/.exec(value);
  if (!match) return null;
  const perSecond = Number(match[1]);
  const burst = match[2] === undefined ? perSecond * 2 : Number(match[2]);
  return perSecond > 0 && burst >= perSecond ? { perSecond, burst } : null;
}

export const formatRateLimit = (limit: RateLimit | undefined) => (limit ? `${limit.perSecond}/s,burst=${limit.burst}` : '0');

/** The window in which a client may use its burst allowance once. */
const BURST_WINDOW_S = 10;

/**
 * A per-client-address limit (rate-limiter-flexible, in memory: one gateway process). Its
 * BurstyRateLimiter pairs the steady limit (perSecond in each second) with an allowance of
 * (burst − perSecond) more per 10 s, so a client gets up to `burst` in one second, then the
 * steady rate. Over it: 429 with the JSON error shape and Retry-After. `exempt` requests (the
 * admin token) are never counted.
 */
export function rateLimit(
  name: string,
  limit: RateLimit | undefined,
  applies: (ctx: Context) => boolean,
  exempt: (ctx: Context) => boolean,
) {
  if (!limit) return (_ctx: Context, next: Next) => next();
  const steady = new RateLimiterMemory({ keyPrefix: `${name}-steady`, points: limit.perSecond, duration: 1 });
  const limiter =
    limit.burst > limit.perSecond
      ? new BurstyRateLimiter(
          steady,
          new RateLimiterMemory({ keyPrefix: `${name}-burst`, points: limit.burst - limit.perSecond, duration: BURST_WINDOW_S }),
        )
      : steady;
  return async (ctx: Context, next: Next) => {
    if (!applies(ctx) || exempt(ctx)) return next();
    try {
      await limiter.consume(ctx.ip || 'unknown');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      ctx.set('retry-after', String(seconds));
      throw new AppError(
        429,
        'rate_limited',
        `more than ${limit.perSecond} requests per second from this address (burst ${limit.burst}); retry after ${seconds} s`,
        { [name]: `at most ${formatRateLimit(limit)} per client address` },
      );
    }
    return next();
  };
}

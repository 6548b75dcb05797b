import Router, { type RouterMiddleware } from '@koa/router';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { setHttpRoute } from '@hoptrace/telemetry';
import Koa, { type Context, type Next } from 'koa';
import { isDatabaseUnavailable } from './db';
import { BUDGET_HEADER, parseBudget, runWithDeadline } from './deadline';
import { readJson } from './body';
import { AppError, BadRequest, DependencyUnavailable, isAppError, NotFound } from './errors';
import type { Logger } from './logger';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body (see jsonBody). */
    body?: unknown;
  }
}

export interface ReadinessCheck {
  name: string;
  /** A service that works without this dependency (degraded) reports it but stays ready. */
  required: boolean;
  check: () => Promise<unknown>;
}

/** What answers a route: the router's context carries `params`. */
export type RouteHandler = RouterMiddleware;

/** Registers the app's routes; each gets the app's route middleware first (see HttpAppOptions). */
export interface Routes {
  get(path: string, handler: RouteHandler): void;
  post(path: string, handler: RouteHandler): void;
  put(path: string, handler: RouteHandler): void;
  delete(path: string, handler: RouteHandler): void;
}

export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  routes: (routes: Routes) => void;
  bodyLimitBytes?: number;
  /**
   * Middleware every request passes first, on every path and method, right after the error
   * handler and before anything reads the request (e.g. which baggage entries it may keep).
   */
  outer?: Koa.Middleware[];
  /** Middleware that runs before the body is read and the routes, e.g. static files. */
  before?: Koa.Middleware[];
  /**
   * Middleware that runs first inside each route registered through `routes` (not the probes),
   * passed to @koa/router with the route, so the server span is still named by the route.
   */
  routeMiddleware?: Koa.Middleware[];
  /** At the edge: the whole budget of a request; inside, the caller's remaining budget applies. */
  requestBudgetMs?: number;
}

/** What plugs into every app without the app knowing (fault injection): see HttpAppOptions. */
export type HttpHooks = Pick<HttpAppOptions, 'outer' | 'routeMiddleware'>;

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Turns every thrown error into the JSON error shape, records it on the span, and logs it once. */
export function errorResponses(logger: Logger): Koa.Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFound(`${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 && ctx.body === undefined)
        throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    } catch (err) {
      const known: AppError = isAppError(err)
        ? err
        : isDatabaseUnavailable(err)
          ? new DependencyUnavailable('database', (err as Error).message)
          : new AppError(500, 'internal_error', 'internal error');
      ctx.status = known.status;
      ctx.body = {
        error: { code: known.code, message: known.message, ...(known.fields ? { fields: known.fields } : {}) },
        ...(known.orderId ? { orderId: known.orderId } : {}),
      };
      const span = trace.getActiveSpan();
      if (known.status >= 500) {
        span?.recordException(err as Error);
        span?.setStatus({ code: SpanStatusCode.ERROR, message: known.message });
        logger.error(
          {
            err: isAppError(err) ? { code: known.code, message: known.message } : err,
            status: known.status,
            route: ctx._matchedRoute,
          },
          'request failed',
        );
      } else {
        logger.info({ status: known.status, code: known.code, route: ctx._matchedRoute }, 'request rejected');
      }
    }
  };
}

/** Tells the HTTP server span which route answered (the preload traces no router layers), errors too. */
export async function routeName(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } finally {
    if (ctx._matchedRoute) setHttpRoute(String(ctx._matchedRoute));
  }
}

/** Reads a JSON body up to a size limit; what cannot be read is a 400 naming `body`. */
export function jsonBody(limit = DEFAULT_BODY_LIMIT): Koa.Middleware {
  return async (ctx: Context, next: Next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method) || (!ctx.request.length && !ctx.get('transfer-encoding'))) return next();
    if (!ctx.request.is('application/json', '+json')) {
      throw new BadRequest('unsupported_media_type', 'send the body as application/json', {
        body: 'must be application/json',
      });
    }
    ctx.request.body = await readJson(ctx, limit);
    return next();
  };
}

/**
 * Runs the rest of the request within its time budget: inside the stack, what its caller had left
 * (the header); at the edge (`edgeBudgetMs`, the gateway), the edge's own. A stranger's header is
 * not a caller's budget: honoured, `x-hoptrace-budget-ms: 3` made every order a 503 (found by the
 * header fuzzer).
 */
export function requestBudget(edgeBudgetMs?: number): Koa.Middleware {
  return (ctx: Context, next: Next) => {
    const budget = edgeBudgetMs ?? parseBudget(ctx.get(BUDGET_HEADER));
    return budget !== undefined ? runWithDeadline(Date.now() + budget, next) : next();
  };
}

async function runChecks(checks: ReadinessCheck[]) {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
        ]);
        return { name: c.name, required: c.required, up: true as const };
      } catch (err) {
        return { name: c.name, required: c.required, up: false as const, error: (err as Error).message };
      }
    }),
  );
  const ready = results.every((r) => r.up || !r.required);
  return { ready, checks: Object.fromEntries(results.map((r) => [r.name, r.up ? 'up' : `down: ${r.error}`])) };
}

/** A Koa app with the shared behaviour: errors, JSON bodies, /healthz and /readyz, then the routes. */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa();
  app.proxy = false;
  // Errors are answered by errorResponses; Koa's own handler would print stack traces a second time.
  app.silent = true;
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'alive' };
  });
  router.get('/readyz', async (ctx) => {
    const { ready, checks } = await runChecks(options.readiness);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  });
  const hooks = options.routeMiddleware ?? [];
  // Route-level middleware, as @koa/router takes it when a route is registered.
  options.routes({
    get: (path, handler) => {
      router.get(path, ...hooks, handler);
    },
    post: (path, handler) => {
      router.post(path, ...hooks, handler);
    },
    put: (path, handler) => {
      router.put(path, ...hooks, handler);
    },
    delete: (path, handler) => {
      router.delete(path, ...hooks, handler);
    },
  });
  app.use(routeName);
  app.use(errorResponses(options.logger));
  for (const middleware of options.outer ?? []) app.use(middleware);
  app.use(requestBudget(options.requestBudgetMs));
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use(jsonBody(options.bodyLimitBytes));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Every route an app built by createHttpApp serves, read from its router (tests walk them all). */
export function servedRoutes(app: Koa): { path: string; methods: string[] }[] {
  const dispatch = app.middleware.find((m) => (m as { router?: Router }).router) as { router?: Router } | undefined;
  return (dispatch?.router?.stack ?? [])
    .filter((layer) => layer.methods.length)
    .map((layer) => ({ path: String(layer.path), methods: [...layer.methods] }));
}

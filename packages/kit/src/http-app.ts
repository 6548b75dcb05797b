import Router from '@koa/router';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import Koa, { type Context, type Next } from 'koa';
import { isDatabaseUnavailable } from './db';
import { BUDGET_HEADER, parseBudget, remainingBudget, runWithDeadline } from './deadline';
import { AppError, BadRequest, DependencyUnavailable, isAppError, NotFound } from './errors';
import { withAdmittedFaults, type FaultAdmission } from './fault-admission';
import { activeFault, faultErrorCode, recordFault, sleep } from './faults';
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

export interface HttpAppOptions {
  /** This service's name: the target that fault entries address. */
  service: string;
  /** Decides which fault entries may act (their signature holds). */
  faults: FaultAdmission;
  /**
   * Replaces the default admission (drop fault entries whose signature fails) at the edge, where
   * the gateway decides what to admit and signs it. Runs for every request, first.
   */
  admitFaults?: Koa.Middleware;
  logger: Logger;
  readiness: ReadinessCheck[];
  routes: (router: Router) => void;
  bodyLimitBytes?: number;
  /** Middleware that runs before fault injection and the routes, e.g. static files. */
  before?: Koa.Middleware[];
  /** At the edge: the whole budget of a request; inside, the caller's remaining budget applies. */
  requestBudgetMs?: number;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Turns every thrown error into the JSON error shape, records it on the span, and logs it once. */
export function errorResponses(logger: Logger): Koa.Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFound(`${ctx.method} ${ctx.path}`);
      if (ctx.status === 405 && ctx.body === undefined) throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    } catch (err) {
      const known: AppError = isAppError(err) ? err
        : isDatabaseUnavailable(err) ? new DependencyUnavailable('database', (err as Error).message)
        : new AppError(500, 'internal_error', 'internal error');
      ctx.status = known.status;
      ctx.body = { error: { code: known.code, message: known.message, ...(known.fields ? { fields: known.fields } : {}) },
        ...(known.orderId ? { orderId: known.orderId } : {}) };
      const span = trace.getActiveSpan();
      if (known.status >= 500) {
        span?.recordException(err as Error);
        span?.setStatus({ code: SpanStatusCode.ERROR, message: known.message });
        logger.error({ err: isAppError(err) ? { code: known.code, message: known.message } : err, status: known.status, route: ctx._matchedRoute }, 'request failed');
      } else {
        logger.info({ status: known.status, code: known.code, route: ctx._matchedRoute }, 'request rejected');
      }
    }
  };
}

/** Reads a JSON body up to a size limit; what cannot be read is a 400 naming `body`. */
export function jsonBody(limit = DEFAULT_BODY_LIMIT): Koa.Middleware {
  return async (ctx: Context, next: Next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method) || !ctx.request.length && !ctx.get('transfer-encoding')) return next();
    if (!ctx.request.is('application/json', '+json')) {
      throw new BadRequest('unsupported_media_type', 'send the body as application/json', { body: 'must be application/json' });
    }
    const tooLarge = () => new BadRequest('body_too_large', `the body is larger than ${limit / 1024} KiB`, { body: `at most ${limit / 1024} KiB` });
    if (ctx.request.length > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    try {
      ctx.request.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      throw new BadRequest('invalid_json', 'the body is not valid JSON', { body: (err as Error).message });
    }
    return next();
  };
}

/** Runs the rest of the request within the time budget its caller had left (and ours, at the edge). */
export function requestBudget(edgeBudgetMs?: number): Koa.Middleware {
  return (ctx: Context, next: Next) => {
    const budgets = [parseBudget(ctx.get(BUDGET_HEADER)), edgeBudgetMs].filter((b): b is number => b !== undefined);
    return budgets.length ? runWithDeadline(Date.now() + Math.min(...budgets), next) : next();
  };
}

/** Runs every request in a context without the fault entries that did not pass admission. */
export function admittedFaults(admission: FaultAdmission): Koa.Middleware {
  return (_ctx: Context, next: Next) => withAdmittedFaults(admission, next);
}

/** Injects the HTTP faults (error, latency, hang) addressed to this service in the request's baggage. */
export function httpFaults(service: string, admission: FaultAdmission): Koa.Middleware {
  return async (ctx: Context, next: Next) => {
    const fault = ctx.path === '/healthz' || ctx.path === '/readyz' ? undefined : activeFault(admission, service, ctx.path);
    if (!fault || fault.kind === 'poison' || fault.kind === 'crash') return next();
    recordFault(fault);
    if (fault.kind === 'error') throw new AppError(500, faultErrorCode(fault), `injected error in ${service}`);
    if (fault.kind === 'hang') {
      // Never answers; ends when the caller gives up and closes the connection (the response's
      // 'close': the request stream's has already fired once its body was read).
      await new Promise<void>((resolve) => ctx.res.once('close', () => resolve()));
      ctx.respond = false;
      return;
    }
    await sleep(fault.param ?? 1000);
    // Work the caller no longer waits for is not done: a reservation made now would leak.
    const left = remainingBudget();
    // The socket, not the request: a request stream is "destroyed" once its body has been read.
    if ((left !== undefined && left <= 0) || ctx.req.socket.destroyed) {
      throw new AppError(504, 'deadline_exceeded', 'the caller stopped waiting during an injected delay; not processed');
    }
    return next();
  };
}

async function runChecks(checks: ReadinessCheck[]) {
  const results = await Promise.all(checks.map(async (c) => {
    try {
      await Promise.race([c.check(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())]);
      return { name: c.name, required: c.required, up: true as const };
    } catch (err) {
      return { name: c.name, required: c.required, up: false as const, error: (err as Error).message };
    }
  }));
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
  router.get('/healthz', (ctx) => { ctx.body = { status: 'alive' }; });
  router.get('/readyz', async (ctx) => {
    const { ready, checks } = await runChecks(options.readiness);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  });
  options.routes(router);
  // Faults run first inside each matched route (probes excluded), so the server span of a faulted
  // request is still named by its route; router.use() would name it by a catch-all pattern.
  const faults = httpFaults(options.service, options.faults);
  for (const layer of router.stack) {
    if (layer.methods.length && layer.path !== '/healthz' && layer.path !== '/readyz') layer.stack.unshift(faults);
  }
  app.use(errorResponses(options.logger));
  // Before anything else can read the baggage, on every path and method: admission is not a
  // property of routes (a path allow-list once let /api/admin/* through unadmitted).
  app.use(options.admitFaults ?? admittedFaults(options.faults));
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
  return (dispatch?.router?.stack ?? []).filter((layer) => layer.methods.length).map((layer) => ({ path: String(layer.path), methods: [...layer.methods] }));
}

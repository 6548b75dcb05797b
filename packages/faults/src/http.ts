import { AppError, remainingBudget } from '@hoptrace/kit';
import type { Context, Middleware, Next } from 'koa';
import { setTimeout as sleep } from 'node:timers/promises';
import { withAdmittedFaults, type FaultAdmission } from './admission';
import { activeFault, faultErrorCode, recordFault } from './entries';

/** Runs every request in a context without the fault entries that did not pass admission. */
export function admittedFaults(admission: FaultAdmission): Middleware {
  return (_ctx: Context, next: Next) => withAdmittedFaults(admission, next);
}

/** Injects the HTTP faults (error, latency, hang) addressed to this service in the request's baggage. */
export function httpFaults(service: string, admission: FaultAdmission): Middleware {
  return async (ctx: Context, next: Next) => {
    const fault = activeFault(admission, service, ctx.path);
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

/**
 * What an HTTP app built by the kit's createHttpApp takes to honour faults: admission first, on
 * every path and method (admission is not a property of routes: a path allow-list once let
 * /api/admin/* through unadmitted), then the injectors first inside each route, so that the server
 * span of a faulted request is still named by its route. At the edge, `edge` (the gateway's
 * admission with the admin token and global rules) replaces the plain admission.
 */
export function httpFaultHooks(
  service: string,
  admission: FaultAdmission,
  edge?: Middleware,
): { outer: Middleware[]; routeMiddleware: Middleware[] } {
  return { outer: [edge ?? admittedFaults(admission)], routeMiddleware: [httpFaults(service, admission)] };
}

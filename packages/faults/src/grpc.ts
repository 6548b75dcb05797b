import type { CallMiddleware } from '@hoptrace/grpc';
import { AppError, remainingBudget } from '@hoptrace/kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { withAdmittedFaults, type FaultAdmission } from './admission';
import { activeFault, faultErrorCode, recordFault } from './entries';

/**
 * The gRPC side of faults, as middleware for @hoptrace/grpc's server, the way httpFaults is for
 * Koa: every call runs in its context minus the fault entries that fail admission (a client that
 * reaches the gRPC port directly cannot fault anything), then the faults aimed at this service act,
 * their route matched against the call's path (`/hoptrace.payments.v1.Payments/Charge`):
 *   error    the call fails as the service failing (UNAVAILABLE, with the fault's error code)
 *   latency  the call waits, then goes on only if its caller still waits for it
 *   hang     the call never answers; it ends when the caller's deadline passes or it cancels
 * Each records `fault.injected` on the call's server span.
 */
export function grpcFaults(service: string, admission: FaultAdmission): CallMiddleware {
  return async (call, next) => {
    const fault = activeFault(admission, service, call.path);
    if (!fault || fault.kind === 'poison' || fault.kind === 'crash') return next();
    recordFault(fault);
    if (fault.kind === 'error') throw new AppError(500, faultErrorCode(fault), `injected error in ${service}`);
    if (fault.kind === 'hang') {
      await new Promise<void>((resolve) =>
        call.signal.aborted ? resolve() : call.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      throw new AppError(504, 'deadline_exceeded', 'the caller stopped waiting during an injected hang; not processed');
    }
    await sleep(fault.param ?? 1000, undefined, { signal: call.signal }).catch(() => undefined);
    // Work the caller no longer waits for is not done: a charge made now would be a charge nobody knows of.
    const left = remainingBudget();
    if ((left !== undefined && left <= 0) || call.signal.aborted) {
      throw new AppError(504, 'deadline_exceeded', 'the caller stopped waiting during an injected delay; not processed');
    }
    return next();
  };
}

/** Admission first, then the injectors: what a GrpcServer takes to honour faults. */
export function grpcFaultMiddleware(service: string, admission: FaultAdmission): CallMiddleware[] {
  return [(_call, next) => withAdmittedFaults(admission, next), grpcFaults(service, admission)];
}

import { FAULT_ERROR_CODES, FAULT_KINDS, type FaultKind } from '@hoptrace/contracts';
import { context, trace, type Baggage, type Context } from '@opentelemetry/api';
import type { FaultAdmission } from './admission';

/**
 * Fault injection, carried per request as W3C baggage entries
 *   hoptrace.fault.<service>=<kind>[:<param>]      e.g. hoptrace.fault.payments=error
 *   hoptrace.fault.<service>.route=<path prefix>   only where the path starts with it (global rules)
 *   hoptrace.fault.<service>.scope=global          set by the gateway for its global rules
 * The gateway admits these only with the admin token and applies its global rules by adding
 * them, and signs what it admitted (see admission.ts): a service acts on entries only when
 * the signature holds. Every service decides from the context of the work in hand: parallel
 * requests with different faults never see each other's, and the entries travel across HTTP and Kafka.
 */
export const FAULT_PREFIX = 'hoptrace.fault.';

export interface Fault {
  service: string;
  kind: FaultKind;
  param?: number;
  route?: string;
  scope: 'request' | 'global';
}

export function parseFaultValue(value: string): { kind: FaultKind; param?: number } | undefined {
  const [kind, param] = value.trim().split(':');
  if (!FAULT_KINDS.includes(kind as FaultKind)) return undefined;
  if (param === undefined || param === '') return { kind: kind as FaultKind };
  const number = Number(param);
  return Number.isFinite(number) && number >= 0 ? { kind: kind as FaultKind, param: number } : undefined;
}

export const formatFaultValue = (kind: FaultKind, param?: number) => (param === undefined ? kind : `${kind}:${param}`);

export function faultIn(baggage: Baggage | undefined, service: string): Fault | undefined {
  const value = baggage?.getEntry(`${FAULT_PREFIX}${service}`)?.value;
  const parsed = value ? parseFaultValue(value) : undefined;
  if (!parsed) return undefined;
  const route = baggage?.getEntry(`${FAULT_PREFIX}${service}.route`)?.value;
  const scope = baggage?.getEntry(`${FAULT_PREFIX}${service}.scope`)?.value === 'global' ? 'global' : 'request';
  return { service, ...parsed, ...(route ? { route } : {}), scope };
}

/**
 * The fault aimed at `service` in the current context, if any, if its entries passed admission,
 * and if `path` is within its route. The one way fault entries are read.
 */
export function activeFault(admission: FaultAdmission, service: string, path?: string, ctx: Context = context.active()): Fault | undefined {
  const fault = faultIn(admission.trusted(ctx), service);
  if (!fault) return undefined;
  if (fault.route && path !== undefined && !path.startsWith(fault.route)) return undefined;
  return fault;
}

/** Every injected fault shows in its trace as a `fault.injected` span event. */
export function recordFault(fault: Fault): void {
  trace.getActiveSpan()?.addEvent('fault.injected', {
    'fault.kind': fault.kind,
    'fault.target': fault.service,
    'fault.scope': fault.scope,
    ...(fault.param !== undefined ? { 'fault.param': fault.param } : {}),
    ...(fault.route ? { 'fault.route': fault.route } : {}),
  });
}

/** The error an injected `error` fault throws; its code says whether it was a per-request fault. */
export const faultErrorCode = (fault: Fault) => (fault.scope === 'request' ? FAULT_ERROR_CODES.request : FAULT_ERROR_CODES.global);

/**
 * Whether an upstream error code is a per-request injected error: a circuit breaker leaves those
 * out of its count, since one request's fault must not change what other requests see.
 */
export const isPerRequestFaultCode = (code: string | undefined) => code === FAULT_ERROR_CODES.request;

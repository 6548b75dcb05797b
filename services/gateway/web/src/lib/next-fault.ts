import { isFaultKind, isServiceName, validateParam, type FaultKind, type RuleFieldErrors, type ServiceName } from './fault-rules';

/**
 * The fault for my next order: one W3C baggage entry on the next POST /api/orders only. The gateway
 * honours `hoptrace.fault.*` baggage only from a request that also carries the admin token.
 */

export interface NextFault {
  service: ServiceName;
  kind: FaultKind;
  /** latency only: milliseconds. */
  param?: number;
}

export interface NextFaultForm {
  /** '' means none. */
  service: string;
  kind: string;
  param: string;
}

export type NextFaultValidation =
  { ok: true; fault: NextFault | null } | { ok: false; errors: Pick<RuleFieldErrors, 'service' | 'kind' | 'param'> };

export function validateNextFault(form: NextFaultForm): NextFaultValidation {
  if (form.service === '') return { ok: true, fault: null };
  if (!isServiceName(form.service)) return { ok: false, errors: { service: 'Choose a service, or none.' } };
  if (!isFaultKind(form.kind)) return { ok: false, errors: { kind: 'Choose a kind of fault.' } };
  const { param, error } = validateParam(form.kind, form.param);
  if (error) return { ok: false, errors: { param: error } };
  return { ok: true, fault: { service: form.service, kind: form.kind, ...(param !== undefined ? { param } : {}) } };
}

/** `<service>=<kind>[:<ms>]`, as the banner and the baggage show it. */
export function describeFault(fault: NextFault): string {
  return `${fault.service}=${fault.kind}${fault.param !== undefined ? `:${fault.param}` : ''}`;
}

export function faultBaggage(fault: NextFault): string {
  return `hoptrace.fault.${describeFault(fault)}`;
}

/** Nothing unless both are there: without the token the gateway would only strip the entry. */
export function nextOrderHeaders(fault: NextFault | null, token: string | null): Record<string, string> {
  if (!fault || !token) return {};
  return { baggage: faultBaggage(fault), authorization: `Bearer ${token}` };
}

/** sessionStorage holds JSON; anything unexpected (an old format, a hand edit) reads as none. */
export function parseStoredFault(raw: string | null): NextFault | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { service, kind, param } = value as Record<string, unknown>;
    const result = validateNextFault({
      service: typeof service === 'string' && service !== '' ? service : '-',
      kind: typeof kind === 'string' ? kind : '',
      param: typeof param === 'number' ? String(param) : '',
    });
    return result.ok ? result.fault : null;
  } catch {
    return null;
  }
}

import { fieldMessage } from './server-errors';
import {
  FAULT_KINDS,
  MAX_LATENCY_MS,
  MAX_ROUTE_LENGTH,
  SERVICE_NAMES,
  type ErrorBody,
  type FaultKind,
  type FaultRule,
  type FaultRuleInput,
  type ServiceName,
} from '@hoptrace/contracts';

/** The global fault rules form, checked in the page against the limits of the server's FaultRuleInput. No DOM here. */

export { FAULT_KINDS, MAX_LATENCY_MS, SERVICE_NAMES };
export type { FaultKind, ServiceName };

/** One line each, shown next to the kind select. */
export const KIND_EFFECTS: Record<FaultKind, string> = {
  error: 'The service answers 500, or the consumer throws: retried, then dead-lettered.',
  latency: 'Waits the given milliseconds before handling.',
  hang: "Never answers; the caller's time budget ends it.",
  poison: 'The next message the service produces is malformed.',
  crash: 'A consumer exits mid-message; restart it with npm run stack -- start <name>.',
};

export const isServiceName = (value: string): value is ServiceName => (SERVICE_NAMES as readonly string[]).includes(value);
export const isFaultKind = (value: string): value is FaultKind => (FAULT_KINDS as readonly string[]).includes(value);

/** The form as typed: every value a string. */
export interface RuleForm {
  service: string;
  kind: string;
  param: string;
  rate: string;
  route: string;
}
export type RuleField = keyof RuleForm;
export const RULE_FIELDS: readonly RuleField[] = ['service', 'kind', 'param', 'rate', 'route'];
export type RuleFieldErrors = Partial<Record<RuleField, string>>;

/** Only latency takes a parameter, and needs one: milliseconds, a whole number up to ten minutes. */
export function validateParam(kind: FaultKind, raw: string): { param?: number; error?: string } {
  if (kind !== 'latency') return {};
  const text = raw.trim();
  if (text === '') return { error: 'Enter the delay in milliseconds: latency needs it.' };
  if (!/^\d+$/.test(text)) return { error: 'The delay must be a whole number of milliseconds, 0 or more.' };
  const param = Number(text);
  return param > MAX_LATENCY_MS ? { error: `The delay can be at most ${MAX_LATENCY_MS} ms (10 minutes).` } : { param };
}

export type RuleValidation = { ok: true; rule: FaultRuleInput } | { ok: false; errors: RuleFieldErrors };

export function validateRuleForm(form: RuleForm): RuleValidation {
  const errors: RuleFieldErrors = {};
  const { service, kind } = form;
  if (!isServiceName(service)) errors.service = 'Choose the service the fault is aimed at.';
  if (!isFaultKind(kind)) errors.kind = 'Choose a kind of fault.';
  const { param, error: paramError } = isFaultKind(kind) ? validateParam(kind, form.param) : {};
  if (paramError) errors.param = paramError;
  const rateText = form.rate.trim();
  const rate = rateText === '' ? 1 : /^(\d+(\.\d*)?|\.\d+)$/.test(rateText) ? Number(rateText) : NaN;
  if (!(rate >= 0 && rate <= 1)) errors.rate = 'The rate must be a number from 0 to 1, for example 0.5 for half the requests.';
  const route = form.route.trim();
  if (route.length > MAX_ROUTE_LENGTH) errors.route = `The route can be at most ${MAX_ROUTE_LENGTH} characters.`;
  if (Object.keys(errors).length > 0 || !isServiceName(service) || !isFaultKind(kind)) return { ok: false, errors };
  return { ok: true, rule: { service, kind, ...(param !== undefined ? { param } : {}), rate, ...(route ? { route } : {}) } };
}

/** What PUT takes: the rules without their ids (the server assigns new ones). */
export function toRuleInputs(rules: readonly FaultRule[]): FaultRuleInput[] {
  return rules.map(({ id: _id, ...input }) => input);
}

export function formatRate(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** e.g. "payments: latency 300 ms · 50% of requests · only /hoptrace.payments.v1.Payments/Charge". */
export function formatRule(rule: FaultRuleInput): string {
  const kind = rule.kind === 'latency' && rule.param !== undefined ? `latency ${rule.param} ms` : rule.kind;
  return [`${rule.service}: ${kind}`, `${formatRate(rule.rate ?? 1)} of requests`, rule.route ? `only ${rule.route}` : '']
    .filter(Boolean)
    .join(' · ');
}

export interface MappedRuleErrors {
  inputs: RuleFieldErrors;
  general: string[];
}

/** Server paths are `rules.<index>.<field>`; those of the rule being added mark its inputs. */
export function mapRuleFieldErrors(fields: Record<string, string> | undefined, addedIndex: number): MappedRuleErrors {
  const mapped: MappedRuleErrors = { inputs: {}, general: [] };
  for (const [path, raw] of Object.entries(fields ?? {})) {
    const message = fieldMessage(raw);
    const match = /^rules\.(\d+)\.(\w+)$/.exec(path);
    const field = match?.[2] as RuleField | undefined;
    if (match && Number(match[1]) === addedIndex && field && RULE_FIELDS.includes(field)) mapped.inputs[field] ??= message;
    else if (path === 'rules') mapped.general.push(`Rules: ${message}`);
    else mapped.general.push(path && path !== 'body' ? `${path}: ${message}` : message);
  }
  return mapped;
}

/** One sentence for a failed admin call; status 0 stands for "no HTTP response". */
export function describeAdminFailure(status: number, body: ErrorBody | null): string {
  if (status === 401) return 'The admin token was refused. Check it (it is in .hoptrace/admin-token) and save it again.';
  if (status === 400 || status === 422) return 'The gateway did not accept the rules: see the marked fields.';
  if (status === 0) return 'Could not reach the gateway. Check that the stack is running and try again.';
  return `The gateway answered with an unexpected error (HTTP ${status})${body ? `: ${body.error.message}` : ''}.`;
}

import { z } from 'zod';
import { SERVICE_NAMES } from './services';

/**
 * The kinds of fault a request can carry (W3C baggage `hoptrace.fault.<service>=<kind>[:<param>]`),
 * as the admin API, the storefront's Chaos page and every service's injectors know them.
 */
export const FAULT_KINDS = ['error', 'latency', 'hang', 'poison', 'crash'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The error code an injected `error` fault answers with: per request, or from a global rule. */
export const FAULT_ERROR_CODES = { request: 'fault_injected_request', global: 'fault_injected' } as const;

/** Limits of a global rule: a latency of at most ten minutes, a route prefix of at most 200 characters. */
export const MAX_LATENCY_MS = 600_000;
export const MAX_ROUTE_LENGTH = 200;

/** A global fault rule (the gateway's admin API, PUT /api/admin/faults). */
export const FaultRuleInput = z
  .object({
    service: z.enum(SERVICE_NAMES),
    kind: z.enum(FAULT_KINDS),
    /** latency: milliseconds to wait. */
    param: z.number().int().min(0).max(MAX_LATENCY_MS).optional(),
    /** Share of requests it applies to, decided per request at the gateway. */
    rate: z.number().min(0).max(1).default(1),
    /** Only where the target service's path (or Kafka topic) starts with this. */
    route: z.string().min(1).max(MAX_ROUTE_LENGTH).optional(),
  })
  .strict();
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;
export const FaultRule = FaultRuleInput.extend({ id: z.string() });
export type FaultRule = z.infer<typeof FaultRule>;
export const FaultRulesInput = z.object({ rules: z.array(FaultRuleInput).max(50) }).strict();
export const FaultRules = z.object({ rules: z.array(FaultRule) });
export type FaultRules = z.infer<typeof FaultRules>;

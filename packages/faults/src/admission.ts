import { z } from 'zod';
import { context, propagation, trace, type Baggage, type Context } from '@opentelemetry/api';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FAULT_PREFIX } from './entries';

/**
 * Which `hoptrace.fault.*` baggage entries may take effect. Baggage is a header anyone can send,
 * so an entry counts only when it came through the gateway's admission (the admin token, or the
 * gateway's own global rules): the gateway then signs the trace's fault entries, and every
 * service checks that signature before any fault acts, on HTTP requests and Kafka messages alike.
 *
 *   hoptrace.fault.sig = base64url(HMAC-SHA256(key, JSON [traceId, [[name, value]…sorted]]))
 *
 * The key is derived from HOPTRACE_ADMIN_TOKEN with a fixed label, so the token itself never
 * travels and a signature proves nothing about it. Binding the trace id means entries cannot be
 * lifted onto another trace. Entries that fail the check are removed from the context, so they
 * never travel on either.
 */
export const FAULT_SIGNATURE = `${FAULT_PREFIX}sig`;
const KEY_LABEL = 'hoptrace fault admission v1';

export const isFaultEntry = (name: string) => name.startsWith(FAULT_PREFIX);

const INVALID_TRACE = '00000000000000000000000000000000';

/** The trace id a context belongs to, if it has a valid one. */
export function traceIdOf(ctx: Context): string | undefined {
  const id = trace.getSpanContext(ctx)?.traceId;
  return id && id !== INVALID_TRACE ? id : undefined;
}

export class FaultAdmission {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    this.key = createHmac('sha256', adminToken).update(KEY_LABEL).digest();
  }

  private signature(traceId: string, baggage: Baggage): string {
    const entries = baggage
      .getAllEntries()
      .filter(([name]) => isFaultEntry(name) && name !== FAULT_SIGNATURE)
      .map(([name, entry]) => [name, entry.value])
      .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    return createHmac('sha256', this.key)
      .update(JSON.stringify([traceId, entries]))
      .digest('base64url');
  }

  /** The baggage with a signature over its fault entries for `traceId` (the gateway, once it admitted them). */
  sign(baggage: Baggage, traceId: string): Baggage {
    return baggage.setEntry(FAULT_SIGNATURE, { value: this.signature(traceId, baggage) });
  }

  /** True when the baggage carries fault entries and a signature that holds for them and `traceId`. */
  holds(baggage: Baggage, traceId: string | undefined): boolean {
    const given = baggage.getEntry(FAULT_SIGNATURE)?.value;
    if (!given || !traceId) return false;
    const wanted = Buffer.from(this.signature(traceId, baggage));
    const actual = Buffer.from(given);
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  }

  /**
   * `ctx` without the fault entries that failed the check (the same context when there are none,
   * or when they hold). What every service runs a request or a message in.
   */
  admitted(ctx: Context = context.active()): { ctx: Context; stripped: number } {
    const baggage = propagation.getBaggage(ctx);
    const faults = (baggage?.getAllEntries() ?? []).map(([name]) => name).filter(isFaultEntry);
    if (!baggage || faults.length === 0 || this.holds(baggage, traceIdOf(ctx))) return { ctx, stripped: 0 };
    return { ctx: propagation.setBaggage(ctx, baggage.removeEntries(...faults)), stripped: faults.length };
  }

  /** The baggage of `ctx` if its fault entries hold; otherwise undefined (no fault may act). */
  trusted(ctx: Context = context.active()): Baggage | undefined {
    const baggage = propagation.getBaggage(ctx);
    return baggage && this.holds(baggage, traceIdOf(ctx)) ? baggage : undefined;
  }
}

/** Runs `work` in the current context minus fault entries that did not pass admission. */
export function withAdmittedFaults<T>(admission: FaultAdmission, work: () => T): T {
  const { ctx, stripped } = admission.admitted();
  if (!stripped) return work();
  trace.getSpan(ctx)?.addEvent('fault.baggage_stripped', { 'fault.entries': stripped });
  return context.with(ctx, work);
}

/** HOPTRACE_ADMIN_TOKEN in a service's configuration schema: every service derives the key that checks fault entries from it. */
export const adminTokenVar = () =>
  z
    .string()
    .min(16, 'at least 16 characters')
    .describe(
      'the admin token (bearer token of the admin API; fault entries are signed with a key derived from it); no default on purpose',
    );

import {
  diag,
  isSpanContextValid,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { CompositePropagator, isTracingSuppressed, W3CBaggagePropagator } from '@opentelemetry/core';
import { W3CTraceState } from './trace-state';
import { formatTraceparent, LOCAL_TRACE_IDS_ARE_RANDOM, outgoingTraceFlags, parseTraceparent, withIncomingRandomFlag } from './traceparent';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const BAGGAGE = 'baggage';
const OWS = /^[ \t]+|[ \t]+$/g;

/**
 * W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/): `traceparent` read by its
 * versioning rules (traceparent.ts), `tracestate` by Level 2's grammar (trace-state.ts), and the
 * random-trace-id flag carried through the spans in between, which the SDK's spans cannot hold.
 * A repeated `traceparent` (an array, or values Node joined with ", ") is invalid, so the trace
 * restarts, without the `tracestate` (#a-traceparent-is-received).
 */
export class TraceContextPropagator implements TextMapPropagator {
  /** `localTraceIdsAreRandom`: whether the trace ids this process starts qualify for the random flag. */
  constructor(private readonly localTraceIdsAreRandom = LOCAL_TRACE_IDS_ARE_RANDOM) {}

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(ctx);
    if (!span || isTracingSuppressed(ctx) || !isSpanContextValid(span)) return;
    setter.set(
      carrier,
      TRACEPARENT,
      formatTraceparent(span.traceId, span.spanId, outgoingTraceFlags(ctx, span, this.localTraceIdsAreRandom)),
    );
    const state = span.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, TRACEPARENT);
    if (typeof header !== 'string' && !(Array.isArray(header) && header.length === 1)) return ctx;
    const parent = parseTraceparent(String(header).replace(OWS, ''));
    if (!parent) return ctx;
    const state = getter.get(carrier, TRACESTATE);
    const traceState = state === undefined ? undefined : W3CTraceState.parse(state);
    const { traceId, parentId: spanId, traceFlags } = parent;
    return trace.setSpanContext(withIncomingRandomFlag(ctx, parent), {
      traceId,
      spanId,
      traceFlags,
      isRemote: true,
      ...(traceState?.size ? { traceState } : {}),
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

/** W3C Baggage limits: a platform must propagate at least 64 list-members and 8192 bytes; past them we drop the rest. */
export const BAGGAGE_LIMITS = { members: 64, bytes: 8192 };

/** The list-members of a baggage header that fit the limits, in order; those past them are dropped, never fatal. */
export function limitBaggage(header: string | string[]): string {
  const kept: string[] = [];
  let bytes = 0;
  for (const member of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    if (member.replace(OWS, '') === '') continue;
    const size = Buffer.byteLength(member) + (kept.length ? 1 : 0);
    if (kept.length >= BAGGAGE_LIMITS.members || bytes + size > BAGGAGE_LIMITS.bytes) break;
    kept.push(member);
    bytes += size;
  }
  return kept.join(',');
}

/** The SDK's W3C Baggage propagator, held to BAGGAGE_LIMITS on the way in and out. */
export class LimitedBaggagePropagator implements TextMapPropagator {
  private readonly inner = new W3CBaggagePropagator();

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const out: Record<string, string> = {};
    this.inner.inject(ctx, out, {
      set: (c, k, v) => {
        (c as Record<string, string>)[k] = v;
      },
    });
    if (out[BAGGAGE]) setter.set(carrier, BAGGAGE, limitBaggage(out[BAGGAGE]));
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, BAGGAGE);
    if (header === undefined) return ctx;
    const limited = limitBaggage(header);
    return this.inner.extract(
      ctx,
      { [BAGGAGE]: limited },
      { get: (c, k) => (c as Record<string, string>)[k], keys: (c) => Object.keys(c as object) },
    );
  }

  fields(): string[] {
    return [BAGGAGE];
  }
}

/**
 * The propagators OTEL_PROPAGATORS names (default `tracecontext,baggage`), with ours standing in
 * for the SDK's W3C ones; `none` propagates nothing. Names without an implementation here are
 * reported and skipped.
 */
export function propagatorFromEnv(value = 'tracecontext,baggage'): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  for (const name of value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    if (name === 'tracecontext') propagators.push(new TraceContextPropagator());
    else if (name === 'baggage') propagators.push(new LimitedBaggagePropagator());
    else if (name !== 'none') diag.warn(`OTEL_PROPAGATORS: "${name}" is not supported by the hoptrace preload; skipped`);
  }
  return new CompositePropagator({ propagators });
}

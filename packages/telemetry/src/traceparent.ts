import { createContextKey, type Context, type SpanContext } from '@opentelemetry/api';

/**
 * `traceparent` as W3C Trace Context Level 2 defines it (https://www.w3.org/TR/trace-context-2/):
 * the field values and the versioning rules for reading it, and the trace-flags a participant
 * sends. Anchors below are the spec's section ids.
 */

/** #sampled-flag */
export const TRACE_FLAG_SAMPLED = 0x01;
/** #random-trace-id-flag: at least the right-most 7 bytes of the trace-id are (pseudo-)random. */
export const TRACE_FLAG_RANDOM = 0x02;
/** #other-flags: the rest are reserved, and a participant MUST send them as zero. */
const KNOWN_FLAGS = TRACE_FLAG_SAMPLED | TRACE_FLAG_RANDOM;

/**
 * Whether the trace ids this process starts qualify for the random-trace-id flag. hoptrace never
 * configures an IdGenerator, so the SDK's RandomIdGenerator makes them: all 16 bytes from
 * Math.random, uniform, as #random-trace-id-flag requires of (at least) the right-most 7.
 */
export const LOCAL_TRACE_IDS_ARE_RANDOM = true;

export interface Traceparent {
  /** 0 to 254 (`ff` is invalid); versions above 00 are read with 00's layout (#versioning-of-traceparent). */
  version: number;
  traceId: string;
  parentId: string;
  /** The flags this version defines; unknown bits are not kept, as they are sent as zero. */
  traceFlags: number;
}

// #version-format, read as #versioning-of-traceparent says: 2HEXDIGLC "-" 32HEXDIGLC "-" 16HEXDIGLC
// "-" 2HEXDIGLC (lowercase hex only), then, for a version above 00 only, either the end or a dash
// and fields that are not ours to read.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[\s\S]*)?$/;
const ALL_ZERO = /^0+$/;

/** One `traceparent` value (already without surrounding OWS), or undefined when the trace must restart. */
export function parseTraceparent(value: string): Traceparent | undefined {
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version = '', traceId = '', parentId = '', flags = '', rest] = match;
  // #version: ff is forbidden; version 00 ends after its flags.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  // #trace-id, #parent-id: all zeroes are invalid values.
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return undefined;
  return { version: parseInt(version, 16), traceId, parentId, traceFlags: parseInt(flags, 16) & KNOWN_FLAGS };
}

/** A version-00 `traceparent`: this specification's version is the one a participant sends (#versioning-of-traceparent). */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${(traceFlags & KNOWN_FLAGS).toString(16).padStart(2, '0')}`;
}

/**
 * The random-trace-id flag of the `traceparent` a trace was continued from. The SDK's spans carry
 * only the sampled bit (its Tracer sets traceFlags from the sampling decision alone), so the
 * propagator keeps the incoming flag in the context, where every span started under it finds it.
 */
const INCOMING_RANDOM_FLAG = createContextKey('hoptrace: random-trace-id flag of the extracted traceparent');

interface IncomingRandomFlag {
  traceId: string;
  random: boolean;
}

export function withIncomingRandomFlag(ctx: Context, parent: Pick<Traceparent, 'traceId' | 'traceFlags'>): Context {
  const value: IncomingRandomFlag = { traceId: parent.traceId, random: (parent.traceFlags & TRACE_FLAG_RANDOM) !== 0 };
  return ctx.setValue(INCOMING_RANDOM_FLAG, value);
}

/**
 * The trace-flags to send for `span` (#random-trace-id-flag): the sampled bit as the span has it;
 * the random bit as it came in when the trace was continued (the same trace-id: it MUST be set
 * if it was set and unset if it was not), else, for a trace started here, whether this process's
 * trace ids are random. Nothing else (#other-flags).
 */
export function outgoingTraceFlags(ctx: Context, span: SpanContext, localTraceIdsAreRandom = LOCAL_TRACE_IDS_ARE_RANDOM): number {
  const incoming = ctx.getValue(INCOMING_RANDOM_FLAG) as IncomingRandomFlag | undefined;
  const random = incoming?.traceId === span.traceId ? incoming.random : localTraceIdsAreRandom;
  return (span.traceFlags & TRACE_FLAG_SAMPLED) | (random ? TRACE_FLAG_RANDOM : 0);
}

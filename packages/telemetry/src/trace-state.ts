import type { TraceState } from '@opentelemetry/api';

/**
 * `tracestate` as W3C Trace Context Level 2 defines it (https://www.w3.org/TR/trace-context-2/,
 * anchors below are its section ids).
 *
 * Reading: the header fields are combined in order (#tracestate-header-field-values), OWS around
 * members and empty members are ignored (#list). A header that breaks the grammar anywhere (a bad
 * key or value, more than 32 members) is discarded whole: the processing model lets a participant
 * discard a `tracestate` it cannot parse (#a-traceparent-is-received), and the W3C suite expects
 * exactly that. A duplicated key is not an error in Level 2: the leftmost entry is kept and the
 * others dropped, which #mutating-the-tracestate-field allows ("MAY also discard duplicate keys").
 *
 * Size: at most 512 characters are propagated, the least Level 2 asks for; past them whole
 * entries go, those over 128 characters first, then from the right, as #tracestate-limits says a
 * participant that truncates must (the SDK's TraceState skips whichever members overflow).
 */
export const MAX_TRACE_STATE_MEMBERS = 32;
export const MAX_TRACE_STATE_LENGTH = 512;
const LARGE_ENTRY_LENGTH = 128;

// #key: ( lcalpha / DIGIT ) 0*255( keychar ); keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
// (Level 1's tenant@system form is a special case of it now.)
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
// #value: 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
// OWS (RFC 9110 §5.6.3): spaces and horizontal tabs.
const OWS = /^[ \t]+|[ \t]+$/g;

export const isTraceStateKey = (key: string) => KEY.test(key);
export const isTraceStateValue = (value: string) => VALUE.test(value);

type Member = readonly [key: string, value: string];

const entryLength = ([key, value]: Member) => key.length + 1 + value.length;
const serializedLength = (members: readonly Member[]) =>
  members.reduce((sum, member) => sum + entryLength(member), Math.max(members.length - 1, 0));

/** Whole entries out until the list fits MAX_TRACE_STATE_LENGTH: the large ones first, right to left, then from the right. */
function truncate(members: readonly Member[]): readonly Member[] {
  if (serializedLength(members) <= MAX_TRACE_STATE_LENGTH) return members;
  const kept = [...members];
  for (let i = kept.length - 1; i >= 0 && serializedLength(kept) > MAX_TRACE_STATE_LENGTH; i--) {
    const entry = kept[i];
    if (entry && entryLength(entry) > LARGE_ENTRY_LENGTH) kept.splice(i, 1);
  }
  while (serializedLength(kept) > MAX_TRACE_STATE_LENGTH) kept.pop();
  return kept;
}

export class W3CTraceState implements TraceState {
  /** Left to right, as serialised: the most recently set member first. */
  private constructor(private readonly members: readonly Member[]) {}

  static empty(): W3CTraceState {
    return new W3CTraceState([]);
  }

  /** One or more `tracestate` header values (combined in order); undefined when not valid as a whole. */
  static parse(header: string | string[]): W3CTraceState | undefined {
    const members: Member[] = [];
    const seen = new Set<string>();
    let count = 0;
    for (const raw of (Array.isArray(header) ? header.join(',') : header).split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue;
      const eq = member.indexOf('=');
      const key = member.slice(0, eq);
      const value = member.slice(eq + 1);
      if (eq <= 0 || !KEY.test(key) || !VALUE.test(value) || ++count > MAX_TRACE_STATE_MEMBERS) return undefined;
      if (seen.has(key)) continue;
      seen.add(key);
      members.push([key, value]);
    }
    return new W3CTraceState(truncate(members));
  }

  /**
   * A modified or new key moves to the front, never twice in the list; past 32 members the
   * rightmost goes (#mutating-the-tracestate-field, #list), past 512 characters as above.
   */
  set(key: string, value: string): W3CTraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    const members = [[key, value] as const, ...this.members.filter(([k]) => k !== key)].slice(0, MAX_TRACE_STATE_MEMBERS);
    return new W3CTraceState(truncate(members));
  }

  unset(key: string): W3CTraceState {
    return this.members.some(([k]) => k === key) ? new W3CTraceState(this.members.filter(([k]) => k !== key)) : this;
  }

  get(key: string): string | undefined {
    return this.members.find(([k]) => k === key)?.[1];
  }

  get size(): number {
    return this.members.length;
  }

  serialize(): string {
    return this.members.map(([k, v]) => `${k}=${v}`).join(',');
  }
}

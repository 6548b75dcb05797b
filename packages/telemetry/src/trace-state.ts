import type { TraceState } from '@opentelemetry/api';

/**
 * `tracestate` as W3C Trace Context (Level 1, §3.3) defines it. The SDK's TraceState drops the
 * members it cannot read one by one and keeps the first 32; the spec says a header that is not
 * valid as a whole is discarded whole (an illegal key or value, a duplicated key, more than 32
 * members), which is also what the W3C test suite checks.
 */
export const MAX_TRACE_STATE_MEMBERS = 32;

// simple-key / multi-tenant-key (tenant-id "@" system-id)
const KEY = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
// 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const OWS = /^[ \t]+|[ \t]+$/g;

export const isTraceStateKey = (key: string) => KEY.test(key);
export const isTraceStateValue = (value: string) => VALUE.test(value);

export class W3CTraceState implements TraceState {
  /** Left to right, as serialised: the most recently set member first. */
  private constructor(private readonly members: readonly (readonly [string, string])[]) {}

  static empty(): W3CTraceState {
    return new W3CTraceState([]);
  }

  /** One or more `tracestate` header values (combined in order); undefined when not valid as a whole. */
  static parse(header: string | string[]): W3CTraceState | undefined {
    const members: [string, string][] = [];
    const seen = new Set<string>();
    for (const raw of (Array.isArray(header) ? header.join(',') : header).split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue; // empty list members are allowed and ignored
      const eq = member.indexOf('=');
      const key = member.slice(0, eq);
      const value = member.slice(eq + 1);
      if (eq <= 0 || !KEY.test(key) || !VALUE.test(value) || seen.has(key)) return undefined;
      seen.add(key);
      members.push([key, value]);
    }
    return members.length <= MAX_TRACE_STATE_MEMBERS ? new W3CTraceState(members) : undefined;
  }

  /** A modified or new key moves to the front (§3.5); past 32 members the rightmost go. */
  set(key: string, value: string): W3CTraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    return new W3CTraceState([[key, value] as const, ...this.members.filter(([k]) => k !== key)].slice(0, MAX_TRACE_STATE_MEMBERS));
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

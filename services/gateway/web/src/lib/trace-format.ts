import type { TraceAttributes } from '@hoptrace/contracts';

const UNITS = [
  { unit: 'µs', scale: 1 },
  { unit: 'ms', scale: 1e3 },
  { unit: 's', scale: 1e6 },
] as const;

/**
 * Microseconds as a short reading with three significant digits: 850 µs, 12.3 ms, 1.25 s.
 * Rounding that reaches 1000 moves up a unit (999.7 ms is "1 s", not "1000 ms").
 */
export function formatDuration(microseconds: number): string {
  if (!Number.isFinite(microseconds)) return '–';
  const sign = microseconds < 0 ? '−' : '';
  const us = Math.round(Math.abs(microseconds));
  if (us === 0) return '0 ms'; // the trace's start reads better in the unit most rows use
  for (const [index, { unit, scale }] of UNITS.entries()) {
    const value = Number((us / scale).toPrecision(3));
    if (value < 1000 || index === UNITS.length - 1) return `${sign}${value} ${unit}`;
  }
  return `${sign}${us} µs`; // not reached: the last unit always returns
}

/** Stack traces are long and say nothing at a glance; the exception's type and message do. */
const HIDDEN_EVENT_ATTRIBUTES = new Set(['exception.stacktrace']);
const MAX_VALUE_LENGTH = 80;
const MAX_ATTRIBUTES = 4;

/** One line for an event's attributes: `key=value, …`, values cut short, the long ones left out. */
export function describeEventAttributes(attributes: TraceAttributes): string {
  const shown = Object.entries(attributes)
    .filter(([key]) => !HIDDEN_EVENT_ATTRIBUTES.has(key))
    .map(([key, value]) => `${key}=${truncate(String(value), MAX_VALUE_LENGTH)}`);
  const extra = shown.length - MAX_ATTRIBUTES;
  return extra > 0 ? `${shown.slice(0, MAX_ATTRIBUTES).join(', ')} (+${extra} more)` : shown.join(', ');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * How a span's work travelled, from its semantic-convention attributes, for the waterfall's label:
 * one order crosses HTTP (browser → gateway → orders → inventory), gRPC (orders → payments) and
 * Kafka (the events), and the hardest propagation bugs sit where one meets another.
 */
export type Transport = 'HTTP' | 'gRPC' | 'Kafka' | 'SQL';

export function transportOf(span: { kind?: string | undefined; attributes: TraceAttributes }): Transport | undefined {
  const a = span.attributes;
  if (a['rpc.system'] === 'grpc') return 'gRPC';
  if (a['messaging.system'] === 'kafka') return 'Kafka';
  if (a['db.system.name'] !== undefined || a['db.system'] !== undefined) return 'SQL';
  if ((span.kind === 'server' || span.kind === 'client') && (a['http.request.method'] !== undefined || a['http.method'] !== undefined))
    return 'HTTP';
  return undefined;
}

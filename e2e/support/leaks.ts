import { personalDataIn, type AttributeValue } from '@hoptrace/traces';

/**
 * What must never be in a span, a log line or a metric: personal data as trace:check defines it
 * (card numbers by Luhn, emails, bearer tokens, values under card/cvc/email/token-named keys),
 * plus the admin token itself and a CVC written next to its name. Findings name where and what,
 * never the value.
 */
const CVC_TEXT = /\bcvc\W{0,4}\d{3,4}\b/i;

/** Trace and span ids are hex, and now and then all digits: 16 of them can pass the Luhn check. */
const TRACE_ID_KEY = /(^|[._])(trace|span|parent)_?id$/i;
const TRACE_ID = /^[0-9a-f]{16}([0-9a-f]{16})?$/;

/**
 * `secrets`: secure mode's generated passwords and the lines of its private keys (generatedSecrets
 * in stack.ts), none of which may appear anywhere either.
 */
export function leakIn(key: string, value: AttributeValue, adminToken: string, secrets: readonly string[] = []): string | undefined {
  const text = String(value);
  if (TRACE_ID_KEY.test(key) && TRACE_ID.test(text)) return undefined;
  if (adminToken && text.includes(adminToken)) return 'the admin token';
  if (secrets.some((secret) => text.includes(secret))) return 'a generated secret (a password or a private key)';
  if (CVC_TEXT.test(text)) return 'a CVC';
  return personalDataIn(key, value);
}

/** Every key/value pair of a JSON value, with dotted keys; a text that is not JSON is one value. */
export function* pairsOf(value: unknown, key = ''): Generator<[string, AttributeValue]> {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) yield* pairsOf(v, key);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* pairsOf(v, key ? `${key}.${k}` : k);
    return;
  }
  yield [key, value as AttributeValue];
}

/**
 * Addresses that are the software's own, not anyone's personal data: Debian's Prometheus logs its
 * build context at start-up, which names the Debian Go team's address.
 */
const SOFTWARE_ADDRESSES = /[\w.+-]+@tracker\.debian\.org/g;

/**
 * Node's own warning about a negative timer delay, which kafkajs 2.2.4 causes on Node 24
 * (tulios/kafkajs#1751): the delay is about minus the epoch in milliseconds, 13 digits that pass
 * the Luhn check about one time in ten. A number of the runtime's, not a card.
 */
const NEGATIVE_TIMEOUT_WARNING = /^(\(node:\d+\) TimeoutNegativeWarning: )-?\d+( is a negative number\.)$/;

/**
 * Badger (Jaeger's trace store) logs each compaction with the ids of the tables it merged, five
 * digits each, separated by spaces and dots: `[00068 . 00125 00126 00144 .] -> [00150 00152 .]`.
 * Read as one number they can pass the Luhn check. The store's own file numbers, not a card.
 */
const BADGER_COMPACTION = /^badger \d{4}\/\d\d\/\d\d [\d:]+ INFO: \[\d+\] \[E\] LOG Compact /;
const BADGER_TABLES = /\[(?:\d{5}| |\.)*\]/g;

export function leaksInLine(text: string, adminToken: string, secrets: readonly string[] = []): string | undefined {
  let line = text.replace(SOFTWARE_ADDRESSES, '').replace(NEGATIVE_TIMEOUT_WARNING, '$1<delay>$2');
  if (BADGER_COMPACTION.test(line)) line = line.replace(BADGER_TABLES, '[<tables>]');
  let parsed: unknown = line;
  try {
    parsed = JSON.parse(line);
  } catch {
    /* a line that is not JSON is scanned as text */
  }
  for (const [key, value] of pairsOf(parsed, typeof parsed === 'string' ? 'line' : '')) {
    const kind = leakIn(key, value, adminToken, secrets);
    if (kind) return `${kind} (under "${key}")`;
  }
  return undefined;
}

import { passesLuhn, UUID_IN_TEXT } from '@hoptrace/contracts';
import type { Finding } from './finding';
import type { AttributeValue, Trace } from './model';

/**
 * Personal data must never reach a span: traces are kept, shared and shown to anyone with Jaeger
 * access. Findings name the attribute and the kind of data, never the value, so the report itself
 * does not copy what it found.
 */

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const BEARER = /\bbearer\s+[a-z0-9\-._~+/]{8,}=*/i;
// Runs of digits joined by single spaces or dashes; a run is a card candidate when its digits,
// separators removed, number 13 to 19. Whole runs only, so a 32-digit id is not read as a card.
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/** Key words whose presence in an attribute name marks the value as secret or personal. */
const SENSITIVE_KEY_WORDS = ['cvc', 'cvv', 'cardnumber', 'password', 'passwd', 'authorization', 'token', 'email', 'secret'];

/** Hashes are the sanctioned way to correlate a customer without naming them. */
const isAllowedKey = (key: string): boolean => {
  const lower = key.toLowerCase();
  return lower === 'user.hash' || lower === 'email_hash' || lower.endsWith('.email_hash');
};

export { passesLuhn };

// Identifiers are not card numbers, even where their digit groups happen to pass the Luhn check
// (order ids in URL paths did, under load): UUIDs and long hex ids are blanked before the scan.
const HEX_ID = /\b(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi;

export function containsCardNumber(text: string): boolean {
  for (const [run] of text.replace(UUID_IN_TEXT, ' ').replace(HEX_ID, ' ').matchAll(DIGIT_RUN)) {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

/** What kind of personal data a key/value pair holds, or undefined when it looks harmless. */
export function personalDataIn(key: string, value: AttributeValue): string | undefined {
  if (isAllowedKey(key)) return undefined;
  const text = typeof value === 'boolean' ? '' : String(value).trim();
  const normalizedKey = key.toLowerCase().replace(/[^a-z]/g, '');
  const word = SENSITIVE_KEY_WORDS.find((w) => normalizedKey.includes(w));
  if (word && text !== '') return `a value under a ${word}-named key`;
  if (EMAIL.test(text)) return 'an email address';
  if (BEARER.test(text)) return 'a bearer token';
  if (containsCardNumber(text)) return 'a card number';
  return undefined;
}

export function checkPersonalData(trace: Trace): Finding[] {
  const findings: Finding[] = [];
  for (const span of trace.spans) {
    const report = (where: string, kind: string): void => {
      findings.push({
        check: 'personal-data',
        traceId: trace.traceId,
        spanId: span.spanId,
        service: span.service,
        message: `span "${span.name}" ${where} holds ${kind}`,
      });
    };
    for (const [key, value] of Object.entries(span.attributes)) {
      const kind = personalDataIn(key, value);
      if (kind) report(`attribute ${key}`, kind);
    }
    for (const event of span.events) {
      for (const [key, value] of Object.entries(event.attributes)) {
        const kind = personalDataIn(key, value);
        if (kind) report(`event "${event.name}" attribute ${key}`, kind);
      }
    }
  }
  return findings;
}

import fc from 'fast-check';

/**
 * Seeds and bounds for the property-based runs: HOPTRACE_FUZZ_SEED reproduces a run (each run
 * prints its seed), HOPTRACE_FUZZ_RUNS scales the number of generated cases (default 1).
 */
export const FUZZ_SEED = Number(process.env.HOPTRACE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
export const FUZZ_SCALE = Number(process.env.HOPTRACE_FUZZ_RUNS ?? 1);
export const runs = (n: number) => Math.max(1, Math.round(n * FUZZ_SCALE));

/** Strings a parser should survive: lone surrogates, RTL marks, NUL, emoji, long runs. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\ud800',
    '\udfff',
    'a\ud83dz',
    '\u202egnp.exe',
    '\u200f\u200e',
    '\u0000',
    'nul\u0000byte',
    '💥🛒',
    'Ω≈ç√',
    '\ufeff',
    '%00',
    '%zz',
    '../..',
    '<script>',
    'a'.repeat(300),
    '__proto__',
    'constructor',
    'prototype',
    'null',
    'true',
    '1e309',
    '-0',
  ),
);

/** Numbers a validator should survive: negative, fractional, enormous, not finite once parsed. */
export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 99, 100, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
);

/** JSON text that is not a value, or is cut short. */
export const brokenJson = fc.oneof(
  fc.constantFrom(
    '{',
    '[',
    '{"email":',
    '{"items":[{"sku":"MUG-01","quantity":1}',
    'nul',
    'NaN',
    'Infinity',
    '{"a":1,}',
    "{'a':1}",
    '\u0000',
    '',
    ' ',
    '{"a":"\\ud800"}',
    '[]]',
    '1 2',
  ),
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
);

/** Objects shaped to pollute prototypes if anything merged them naively. */
export const pollution = fc.constantFrom(
  '{"__proto__":{"admin":true},"email":"p@example.com","items":[{"sku":"MUG-01","quantity":1}],"payment":{"cardNumber":"4242424242424242","expiry":"12/30","cvc":"123"}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"items":[{"__proto__":{"quantity":1},"sku":"MUG-01"}]}',
  '{"payment":{"__proto__":null}}',
  '{"rules":[{"service":"payments","kind":"error","__proto__":{"rate":1}}]}',
);

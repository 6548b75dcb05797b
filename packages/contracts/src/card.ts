/**
 * The Luhn check digit test: payments rejects card numbers that fail it, and the trace checker
 * uses it to recognise a card number that leaked into a span.
 */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && /^\d+$/.test(digits) && sum % 10 === 0;
}

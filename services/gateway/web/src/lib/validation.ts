import { CreateOrderRequest } from '@hoptrace/contracts';
import { MAX_LINES, type Cart } from './cart';

/** The server's CreateOrderRequest rules checked in the page, so most mistakes never leave it; the messages are the page's own. */

export type CheckoutField = 'email' | 'cardNumber' | 'expiry' | 'cvc';
export const CHECKOUT_FIELDS: readonly CheckoutField[] = ['email', 'cardNumber', 'expiry', 'cvc'];

export interface CheckoutInput {
  email: string;
  cardNumber: string;
  expiry: string;
  cvc: string;
}

export type FieldErrors = Partial<Record<CheckoutField, string>>;

/** The very schema the server validates the address with (zod runs in the browser too). */
const isEmail = (text: string) => CreateOrderRequest.shape.email.safeParse(text).success;
const EXPIRY = /^(0[1-9]|1[0-2])\/(\d{2})$/;

/** People type card numbers in groups; the server wants digits only. */
export function normalizeCardNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export function normalizeExpiry(raw: string): string {
  return raw.replace(/\s/g, '');
}

/** What is actually sent: trimmed and normalized, so validation and the request agree. */
export function normalizeCheckout(input: CheckoutInput): CheckoutInput {
  return {
    email: input.email.trim(),
    cardNumber: normalizeCardNumber(input.cardNumber),
    expiry: normalizeExpiry(input.expiry),
    cvc: input.cvc.trim(),
  };
}

/** A card is valid through the last day of its expiry month. */
export function isExpired(expiry: string, now: Date): boolean {
  const match = EXPIRY.exec(expiry);
  if (!match) return false;
  const month = Number(match[1]);
  const year = 2000 + Number(match[2]);
  return year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1);
}

export function validateField(field: CheckoutField, raw: CheckoutInput, now: Date): string | undefined {
  const input = normalizeCheckout(raw);
  switch (field) {
    case 'email':
      if (input.email === '') return 'Enter your email address.';
      if (!isEmail(input.email)) return 'Enter an email address like name@example.com.';
      return undefined;
    case 'cardNumber':
      if (input.cardNumber === '') return 'Enter your card number.';
      if (!/^\d+$/.test(input.cardNumber)) return 'The card number can only contain digits.';
      if (input.cardNumber.length < 12 || input.cardNumber.length > 19) return 'The card number must be 12 to 19 digits.';
      return undefined;
    case 'expiry':
      if (input.expiry === '') return 'Enter the expiry date.';
      if (!EXPIRY.test(input.expiry)) return 'Enter the expiry date as MM/YY, for example 04/29.';
      if (isExpired(input.expiry, now)) return 'This card has expired: use a card with a future expiry date.';
      return undefined;
    case 'cvc':
      if (input.cvc === '') return 'Enter the security code (CVC).';
      if (!/^\d{3,4}$/.test(input.cvc)) return 'The CVC is the 3 or 4 digits on the back of your card.';
      return undefined;
  }
}

export function validateCheckout(input: CheckoutInput, now: Date): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of CHECKOUT_FIELDS) {
    const message = validateField(field, input, now);
    if (message) errors[field] = message;
  }
  return errors;
}

/** Line quantities are clamped by the cart itself, so only the cart as a whole can be wrong here. */
export function validateCart(cart: Cart): string | undefined {
  if (cart.length === 0) return 'Your cart is empty: add a product before checking out.';
  if (cart.length > MAX_LINES) return `An order can have at most ${MAX_LINES} different products.`;
  return undefined;
}

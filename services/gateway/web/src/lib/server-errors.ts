import type { CheckoutField, FieldErrors } from './validation';
import type { ErrorBody, OrderItemInput } from '@hoptrace/contracts';

/** Turns a failed POST /api/orders into what the checkout form shows. No DOM here. */

export interface MappedFieldErrors {
  inputs: FieldErrors;
  /** Keyed by SKU: the server names lines by index in the items we sent. */
  lines: Record<string, string>;
  /** Anything that does not belong to one input or line, shown in the error summary. */
  general: string[];
}

const INPUT_PATHS: Record<string, CheckoutField> = {
  email: 'email',
  'payment.cardNumber': 'cardNumber',
  'payment.expiry': 'expiry',
  'payment.cvc': 'cvc',
};

/**
 * The server's schema messages are terse expectations ("at most 99", "an email address"); they read
 * as sentences once prefixed. Messages that already read as sentences (capitalised) are kept.
 */
export function fieldMessage(message: string): string {
  return /^[a-z0-9]/.test(message) ? `Must be ${message}.` : message;
}

export function mapServerFields(fields: Record<string, string> | undefined, sent: readonly OrderItemInput[]): MappedFieldErrors {
  const mapped: MappedFieldErrors = { inputs: {}, lines: {}, general: [] };
  for (const [path, raw] of Object.entries(fields ?? {})) {
    const message = fieldMessage(raw);
    const input = INPUT_PATHS[path];
    if (input) {
      mapped.inputs[input] = message;
      continue;
    }
    const line = /^items\.(\d+)(?:\.|$)/.exec(path);
    const sku = line ? sent[Number(line[1])]?.sku : undefined;
    if (sku !== undefined) mapped.lines[sku] = message;
    else if (path === 'items') mapped.general.push(`Cart: ${message}`);
    else mapped.general.push(path ? `${path}: ${message}` : message);
  }
  return mapped;
}

/** Accepts only the documented error shape; anything else (a proxy's HTML page, say) yields null. */
export function parseErrorBody(body: unknown): ErrorBody | null {
  if (typeof body !== 'object' || body === null) return null;
  const { error, orderId } = body as Record<string, unknown>;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, fields } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  const parsed: ErrorBody = { error: { code, message } };
  if (typeof fields === 'object' && fields !== null) {
    parsed.error.fields = Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  if (typeof orderId === 'string' && orderId !== '') parsed.orderId = orderId;
  return parsed;
}

export type FailureKind = 'invalid' | 'declined' | 'stock' | 'unavailable' | 'network' | 'unknown';

export interface CheckoutFailure {
  kind: FailureKind;
  title: string;
  /** What happened and what to do about it. */
  message: string;
  /** The server's own wording, shown small: useful when reporting a problem. */
  detail?: string;
  orderId?: string;
  /** 409 means our stock figures are stale. */
  refreshProducts: boolean;
  /** Inputs to mark even though the server named no field (a declined card, say). */
  fieldErrors: FieldErrors;
}

/** status 0 stands for "no HTTP response at all" (offline, DNS, timeout). */
export function describeCheckoutFailure(status: number, body: ErrorBody | null): CheckoutFailure {
  const base = {
    ...(body?.error.message ? { detail: body.error.message } : {}),
    ...(body?.orderId ? { orderId: body.orderId } : {}),
    refreshProducts: false,
    fieldErrors: {},
  };
  if (status === 400 || status === 422) {
    return {
      ...base,
      kind: 'invalid',
      title: 'Some details need fixing',
      message: 'The shop could not accept the order as entered. Correct the fields marked below and place the order again.',
    };
  }
  if (status === 402) {
    return {
      ...base,
      kind: 'declined',
      title: 'Your card was declined',
      fieldErrors: { cardNumber: 'This card was declined: use another card.' },
      message: 'The payment was not accepted and nothing was charged. Please use another card.',
    };
  }
  if (status === 409) {
    return {
      ...base,
      kind: 'stock',
      title: 'Not enough stock',
      refreshProducts: true,
      message:
        'Some items no longer have enough stock. The stock levels have been refreshed: reduce the quantity or remove the item, then place the order again.',
    };
  }
  if (status === 503) {
    return {
      ...base,
      kind: 'unavailable',
      title: 'The shop is temporarily unavailable',
      message:
        'Part of the shop is down or too slow right now, so the order could not be completed and nothing was charged. Please try again in a few moments.',
    };
  }
  if (status === 0) {
    return {
      ...base,
      kind: 'network',
      title: 'Could not reach the shop',
      message: 'The order could not be sent. Check your connection and try again.',
    };
  }
  return {
    ...base,
    kind: 'unknown',
    title: 'Something went wrong',
    message: `The shop answered with an unexpected error (HTTP ${status}). Please try again in a few moments.`,
  };
}

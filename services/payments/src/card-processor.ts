import { passesLuhn, type PaymentInput } from '@hoptrace/contracts';

/**
 * The simulated card processor. Test cards (any future expiry, any CVC):
 *   4242 4242 4242 4242  approved
 *   4000 0000 0000 0002  declined: card_declined
 *   4000 0000 0000 9995  declined: insufficient_funds
 * Any other number that passes the Luhn check is approved; one that fails it is invalid input.
 */
export const DECLINING_CARDS: Record<string, { code: string; message: string }> = {
  '4000000000000002': { code: 'card_declined', message: 'the card was declined' },
  '4000000000009995': { code: 'insufficient_funds', message: 'the card has insufficient funds' },
};

export type CardDecision = { approved: true } | { approved: false; code: string; message: string };

export { passesLuhn };

/** A card expires at the end of its expiry month. */
export function isExpired(expiry: string, now: Date): boolean {
  const [month, year] = expiry.split('/').map(Number) as [number, number];
  const endOfMonth = Date.UTC(2000 + year, month, 1);
  return now.getTime() >= endOfMonth;
}

export function decideCharge(card: PaymentInput, now: Date): CardDecision {
  if (isExpired(card.expiry, now)) return { approved: false, code: 'expired_card', message: 'the card has expired' };
  const decline = DECLINING_CARDS[card.cardNumber];
  return decline ? { approved: false, ...decline } : { approved: true };
}

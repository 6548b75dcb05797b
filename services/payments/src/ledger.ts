import type { Charge, ChargeRequest } from '@hoptrace/contracts';
import { Conflict, NotFound, PaymentDeclined, ValidationFailed } from '@hoptrace/kit';
import { randomUUID } from 'node:crypto';
import { decideCharge, passesLuhn } from './card-processor';

type Outcome = { charge: Charge } | { declined: { code: string; message: string } };

/**
 * Charges in memory, idempotent by idempotency key: a retried request gets the first outcome,
 * approved or declined, and never a second charge. Only the last four digits are kept.
 */
export class Ledger {
  private readonly byKey = new Map<string, { amountCents: number; orderId: string; outcome: Outcome }>();
  private readonly byId = new Map<string, Charge>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  charge(idempotencyKey: string, request: ChargeRequest): { charge: Charge; replayed: boolean } {
    const previous = this.byKey.get(idempotencyKey);
    if (previous) {
      if (previous.amountCents !== request.amountCents || previous.orderId !== request.orderId) {
        throw new Conflict('idempotency_key_reused', 'this idempotency key was used for a different charge');
      }
      return { ...this.settle(previous.outcome), replayed: true };
    }
    if (!passesLuhn(request.card.cardNumber)) throw new ValidationFailed({ 'card.cardNumber': 'not a valid card number' });
    const decision = decideCharge(request.card, this.now());
    const outcome: Outcome = decision.approved
      ? {
          charge: {
            id: randomUUID(),
            orderId: request.orderId,
            amountCents: request.amountCents,
            status: 'captured',
            cardLast4: request.card.cardNumber.slice(-4),
          },
        }
      : { declined: { code: decision.code, message: decision.message } };
    this.byKey.set(idempotencyKey, { amountCents: request.amountCents, orderId: request.orderId, outcome });
    if ('charge' in outcome) this.byId.set(outcome.charge.id, outcome.charge);
    return { ...this.settle(outcome), replayed: false };
  }

  refundForOrder(orderId: string): Charge {
    const charge = [...this.byId.values()].find((c) => c.orderId === orderId);
    if (!charge) throw new NotFound(`charge for order ${orderId}`);
    return this.refund(charge.id);
  }

  refund(id: string): Charge {
    const charge = this.byId.get(id);
    if (!charge) throw new NotFound(`charge ${id}`);
    charge.status = 'refunded';
    return charge;
  }

  get(id: string): Charge {
    const charge = this.byId.get(id);
    if (!charge) throw new NotFound(`charge ${id}`);
    return charge;
  }

  private settle(outcome: Outcome): { charge: Charge } {
    if ('declined' in outcome) throw new PaymentDeclined(outcome.declined.code, outcome.declined.message);
    return { charge: outcome.charge };
  }
}

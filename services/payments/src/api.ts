import { ChargeRequest as ChargeInput, type Charge as DomainCharge } from '@hoptrace/contracts';
import { ChargeSchema, ChargeStatus, Payments } from '@hoptrace/contracts/payments-v1';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { serve, type ServedService } from '@hoptrace/grpc';
import { BadRequest, parseInput } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import type { Ledger } from './ledger';

const STATUS: Record<DomainCharge['status'], ChargeStatus> = { captured: ChargeStatus.CAPTURED, refunded: ChargeStatus.REFUNDED };

/** A charge as the gRPC contract has it. */
export const toMessage = (charge: DomainCharge): MessageInitShape<typeof ChargeSchema> => ({
  id: charge.id,
  orderId: charge.orderId,
  amountCents: BigInt(charge.amountCents),
  status: STATUS[charge.status],
  cardLast4: charge.cardLast4,
});

/**
 * hoptrace.payments.v1.Payments over the ledger. Requests are checked by the same zod schema as
 * before the move to gRPC, so bad input is INVALID_ARGUMENT naming the field (`card.cardNumber`,
 * which orders answers as `payment.cardNumber`), never a crash.
 */
export function paymentsService(ledger: Ledger): ServedService {
  return serve(Payments, {
    async charge(request) {
      if (!request.idempotencyKey)
        throw new BadRequest('idempotency_key_required', 'send an idempotency_key', { idempotency_key: 'required' });
      const input = parseInput(ChargeInput, {
        orderId: request.orderId,
        // int64 as a number: a value past 2^53 is not a valid amount either, and zod says so.
        amountCents: Number(request.amountCents),
        card: request.card ? { cardNumber: request.card.cardNumber, expiry: request.card.expiry, cvc: request.card.cvc } : undefined,
      });
      trace.getActiveSpan()?.setAttributes({ 'order.id': input.orderId, 'order.total_cents': input.amountCents });
      const { charge, replayed } = ledger.charge(request.idempotencyKey, input);
      return { charge: toMessage(charge), replayed };
    },
    async refundCharge(request) {
      return { charge: toMessage(ledger.refund(request.chargeId)) };
    },
    async refundOrder(request) {
      trace.getActiveSpan()?.setAttribute('order.id', request.orderId);
      return { charge: toMessage(ledger.refundForOrder(request.orderId)) };
    },
    async getCharge(request) {
      return { charge: toMessage(ledger.get(request.chargeId)) };
    },
  });
}

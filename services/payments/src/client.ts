import { Services, type Charge, type PaymentInput } from '@hoptrace/contracts';
import { ChargeStatus, Payments, type Charge as ChargeMessage } from '@hoptrace/contracts/payments-v1';
import { GrpcClient, type ServiceMethods } from '@hoptrace/grpc';
import { NotFound, type CircuitBreaker, type TlsIdentity } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.payments.name;

const STATUS: Partial<Record<ChargeStatus, Charge['status']>> = {
  [ChargeStatus.CAPTURED]: 'captured',
  [ChargeStatus.REFUNDED]: 'refunded',
};

function toCharge(message: ChargeMessage | undefined): Charge {
  const status = message && STATUS[message.status];
  if (!message || !status) throw new Error(`${DEPENDENCY} answered without a charge`);
  return { id: message.id, orderId: message.orderId, amountCents: Number(message.amountCents), status, cardLast4: message.cardLast4 };
}

/**
 * The typed client orders uses to reach payments over gRPC (hoptrace.payments.v1.Payments); the
 * order id is the idempotency key. Declines come back as PaymentDeclined-shaped AppErrors (402),
 * invalid cards as 422 naming `card.cardNumber`; unavailable or too slow is DependencyUnavailable.
 */
export class PaymentsClient {
  private readonly grpc: GrpcClient<ServiceMethods<typeof Payments>>;

  constructor(
    address: string,
    timeoutMs: number,
    private readonly breaker?: CircuitBreaker,
    tls?: TlsIdentity,
  ) {
    this.grpc = new GrpcClient(DEPENDENCY, Payments, address, timeoutMs, tls);
  }

  /**
   * Idempotent by key, so retried within the time budget; the circuit breaker (if any) stops
   * calling a payments service that keeps failing.
   */
  async charge(orderId: string, amountCents: number, card: PaymentInput, timeoutMs?: number): Promise<Charge> {
    const call = async () =>
      toCharge(
        (await this.grpc.call('charge', { idempotencyKey: orderId, orderId, amountCents: BigInt(amountCents), card }, { timeoutMs }))
          .charge,
      );
    return this.breaker ? this.breaker.run(call) : call();
  }

  async refund(chargeId: string): Promise<Charge> {
    return toCharge((await this.grpc.call('refundCharge', { chargeId }, { ignoreBudget: true })).charge);
  }

  /** After a charge that timed out: refunds whatever the order was charged, if anything. */
  async refundForOrder(orderId: string): Promise<Charge | undefined> {
    try {
      return toCharge((await this.grpc.call('refundOrder', { orderId }, { ignoreBudget: true })).charge);
    } catch (err) {
      if (err instanceof NotFound || (err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }

  close(): void {
    this.grpc.close();
  }
}

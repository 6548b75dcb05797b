import { Services, type Charge, type PaymentInput } from '@hoptrace/contracts';
import { expectSuccess, JsonClient, type CircuitBreaker } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.payments.name;

/** The typed client orders uses to reach payments; the order id is the idempotency key. */
export class PaymentsClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number, private readonly breaker?: CircuitBreaker) {
    this.http = new JsonClient(DEPENDENCY, baseUrl, timeoutMs);
  }

  /**
   * 402 declines come back as PaymentDeclined-shaped AppErrors. The idempotency key makes a retry
   * safe; the circuit breaker (if any) stops calling a payments service that keeps failing.
   */
  async charge(orderId: string, amountCents: number, card: PaymentInput, timeoutMs?: number): Promise<Charge> {
    const call = async () => expectSuccess<Charge>(await this.http.request('POST', '/charges', {
      body: { orderId, amountCents, card }, headers: { 'idempotency-key': orderId }, timeoutMs, idempotent: true,
    }), DEPENDENCY);
    return this.breaker ? this.breaker.run(call) : call();
  }

  async refund(chargeId: string): Promise<Charge> {
    return expectSuccess(await this.http.request('POST', `/charges/${chargeId}/refund`, { idempotent: true, ignoreBudget: true }), DEPENDENCY);
  }

  /** After a charge that timed out: refunds whatever the order was charged, if anything. */
  async refundForOrder(orderId: string): Promise<Charge | undefined> {
    const res = await this.http.request('POST', `/charges/by-order/${orderId}/refund`, { idempotent: true, ignoreBudget: true });
    return res.status === 404 ? undefined : expectSuccess<Charge>(res, DEPENDENCY);
  }
}

import type { Charge, PaymentInput } from '@hoptrace/contracts';
import { expectSuccess, JsonClient } from '@hoptrace/kit';

/** The typed client orders uses to reach payments; the order id is the idempotency key. */
export class PaymentsClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new JsonClient('payments', baseUrl, timeoutMs);
  }

  /** 402 declines come back as PaymentDeclined-shaped AppErrors. */
  async charge(orderId: string, amountCents: number, card: PaymentInput, timeoutMs?: number): Promise<Charge> {
    const res = await this.http.request('POST', '/charges', { body: { orderId, amountCents, card }, headers: { 'idempotency-key': orderId }, timeoutMs });
    return expectSuccess(res, 'payments');
  }

  async refund(chargeId: string): Promise<Charge> {
    return expectSuccess(await this.http.request('POST', `/charges/${chargeId}/refund`), 'payments');
  }
}

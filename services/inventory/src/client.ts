import { Services, type OrderItemInput, type Product, type Reservation } from '@hoptrace/contracts';
import { expectSuccess, JsonClient } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.inventory.name;

/** The typed client other services use to reach inventory. */
export class InventoryClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new JsonClient(DEPENDENCY, baseUrl, timeoutMs);
  }

  async listProducts(): Promise<Product[]> {
    return expectSuccess(await this.http.request('GET', '/products'), DEPENDENCY);
  }

  /** 409 insufficient_stock and 422 unknown sku come back as the same errors. */
  async reserve(orderId: string, items: OrderItemInput[], timeoutMs?: number): Promise<Reservation> {
    // Idempotent: inventory answers a repeated reserve for the same order with the first reservation.
    return expectSuccess(
      await this.http.request('POST', '/reservations', { body: { orderId, items }, timeoutMs, idempotent: true }),
      DEPENDENCY,
    );
  }

  async commit(reservationId: string): Promise<Reservation> {
    return expectSuccess(await this.http.request('POST', `/reservations/${reservationId}/commit`, { idempotent: true }), DEPENDENCY);
  }

  async release(reservationId: string): Promise<Reservation> {
    return expectSuccess(
      await this.http.request('POST', `/reservations/${reservationId}/release`, { idempotent: true, ignoreBudget: true }),
      DEPENDENCY,
    );
  }

  /** After a reserve that timed out: releases whatever was reserved for the order, if anything. */
  async releaseForOrder(orderId: string): Promise<Reservation | undefined> {
    const res = await this.http.request('POST', `/reservations/by-order/${orderId}/release`, { idempotent: true, ignoreBudget: true });
    return res.status === 404 ? undefined : expectSuccess<Reservation>(res, DEPENDENCY);
  }
}

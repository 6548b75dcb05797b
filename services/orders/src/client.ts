import { Services } from '@hoptrace/contracts';
import { DependencyUnavailable, JsonClient, NOT_DELIVERED, type JsonResponse } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.orders.name;

/**
 * The typed client the gateway uses; answers pass through as they are, errors included. With
 * several orders instances (ORDERS_URLS) it takes them in turn; a call that could not reach one
 * (refused, no such host: nothing was sent, so even placing an order is safe to send again) goes
 * to the next, so an instance that is down costs a refused connection, not a failed order.
 */
export class OrdersClient {
  private readonly instances: JsonClient[];
  private next = 0;

  constructor(baseUrls: string[], timeoutMs: number) {
    if (baseUrls.length === 0) throw new Error('OrdersClient needs at least one base URL');
    this.instances = baseUrls.map((url) => new JsonClient(DEPENDENCY, url, timeoutMs));
  }

  place(body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return this.inTurn((http) => http.request('POST', '/orders', { body, headers, passServerErrors: true }));
  }

  get(id: string): Promise<JsonResponse> {
    return this.inTurn((http) => http.request('GET', `/orders/${encodeURIComponent(id)}`, { passServerErrors: true }));
  }

  private async inTurn(call: (http: JsonClient) => Promise<JsonResponse>): Promise<JsonResponse> {
    const first = this.next;
    this.next = (this.next + 1) % this.instances.length;
    for (let i = 0; ; i++) {
      try {
        return await call(this.instances[(first + i) % this.instances.length]!);
      } catch (err) {
        const undelivered = err instanceof DependencyUnavailable && err.upstreamCode === NOT_DELIVERED;
        if (!undelivered || i + 1 >= this.instances.length) throw err;
      }
    }
  }
}

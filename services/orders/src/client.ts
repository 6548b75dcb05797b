import { Services } from '@hoptrace/contracts';
import { JsonClient, type JsonResponse } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.orders.name;

/** The typed client the gateway uses; answers pass through as they are, errors included. */
export class OrdersClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new JsonClient(DEPENDENCY, baseUrl, timeoutMs);
  }

  place(body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return this.http.request('POST', '/orders', { body, headers, passServerErrors: true });
  }

  get(id: string): Promise<JsonResponse> {
    return this.http.request('GET', `/orders/${encodeURIComponent(id)}`, { passServerErrors: true });
  }
}

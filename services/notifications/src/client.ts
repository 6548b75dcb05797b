import { JsonClient, type JsonResponse } from '@hoptrace/kit';

/** The typed client the gateway uses; answers pass through as they are. */
export class NotificationsClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new JsonClient('notifications', baseUrl, timeoutMs);
  }

  forOrder(orderId: string): Promise<JsonResponse> {
    return this.http.request('GET', `/notifications?orderId=${encodeURIComponent(orderId)}`, { passServerErrors: true });
  }
}

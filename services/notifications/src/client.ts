import { Services } from '@hoptrace/contracts';
import { JsonClient, type JsonResponse } from '@hoptrace/kit';

/** The service this client reaches, as errors and spans name it. */
const DEPENDENCY = Services.notifications.name;

/** The typed client the gateway uses; answers pass through as they are. */
export class NotificationsClient {
  private readonly http: JsonClient;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = new JsonClient(DEPENDENCY, baseUrl, timeoutMs);
  }

  forOrder(orderId: string): Promise<JsonResponse> {
    return this.http.request('GET', `/notifications?orderId=${encodeURIComponent(orderId)}`, { passServerErrors: true });
  }
}

import { parseErrorBody } from './lib/server-errors';
import type {
  AppConfig,
  CreatedOrder,
  CreateOrderRequest,
  ErrorBody,
  FaultRule,
  FaultRuleInput,
  Notification,
  OrderTrace,
  OrderView,
  Product,
} from '@hoptrace/contracts';

/**
 * Thin fetch wrappers for the gateway's /api. Bodies and headers are never logged: the order request
 * carries card data, the admin calls the admin token.
 */

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  /** status 0: no HTTP response (offline, timeout, aborted). */
  | { ok: false; status: number; error: ErrorBody | null };

const TIMEOUT_MS = 10_000;

type RequestOptions = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

async function request<T>(path: string, init: RequestOptions = {}, signal?: AbortSignal): Promise<ApiResult<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const forwardAbort = () => controller.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const response = await fetch(path, {
      ...init,
      headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      signal: controller.signal,
    });
    const body: unknown = await response.json().catch(() => null);
    return response.ok
      ? { ok: true, status: response.status, data: body as T }
      : { ok: false, status: response.status, error: parseErrorBody(body) };
  } catch {
    return { ok: false, status: 0, error: null };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

export interface FaultRuleList {
  rules: FaultRule[];
}

const FAULTS_PATH = '/api/admin/faults';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const api = {
  products: () => request<Product[]>('/api/products'),
  order: (id: string, signal?: AbortSignal) => request<OrderView>(`/api/orders/${encodeURIComponent(id)}`, {}, signal),
  /** 404 while the trace is not in Jaeger yet, 503 while Jaeger is unreachable. */
  orderTrace: (id: string, signal?: AbortSignal) => request<OrderTrace>(`/api/orders/${encodeURIComponent(id)}/trace`, {}, signal),
  notifications: (orderId: string) => request<Notification[]>(`/api/notifications?orderId=${encodeURIComponent(orderId)}`),
  /** `headers`: the next-order fault's baggage and admin token, when one is armed. */
  createOrder: (body: CreateOrderRequest, headers: Record<string, string> = {}) =>
    request<CreatedOrder>('/api/orders', { method: 'POST', body: JSON.stringify(body), headers }),
  faultRules: (token: string) => request<FaultRuleList>(FAULTS_PATH, { headers: bearer(token) }),
  /** Replaces the whole set; the answer has the new ids. */
  replaceFaultRules: (token: string, rules: FaultRuleInput[]) =>
    request<FaultRuleList>(FAULTS_PATH, { method: 'PUT', body: JSON.stringify({ rules }), headers: bearer(token) }),
  clearFaultRules: (token: string) => request<FaultRuleList>(FAULTS_PATH, { method: 'DELETE', headers: bearer(token) }),
};

/** GET /api/config as the page holds it: null where it could not be loaded (the page works on, without the Jaeger link). */
export type LoadedConfig = { [K in keyof AppConfig]: AppConfig[K] | null };

let config: Promise<LoadedConfig> | undefined;

/** Loaded once per page load; a failure is not cached, so the next page view retries. */
export function loadConfig(): Promise<LoadedConfig> {
  config ??= request<Partial<AppConfig>>('/api/config').then((result) => {
    const url = result.ok ? result.data.jaegerUiUrl : undefined;
    if (typeof url === 'string' && url !== '') return { jaegerUiUrl: url };
    config = undefined;
    return { jaegerUiUrl: null };
  });
  return config;
}

let products: Promise<Product[] | null> | undefined;

/** Product names for the order page; the shop page always fetches fresh stock instead. */
export function loadProductNames(): Promise<Product[] | null> {
  products ??= api.products().then((result) => {
    if (result.ok) return result.data;
    products = undefined;
    return null;
  });
  return products;
}

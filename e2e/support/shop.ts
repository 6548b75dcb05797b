import type { CreatedOrder, CreateOrderRequest, OrderStatus, OrderView, Product } from '@hoptrace/contracts';
import { readAdminToken } from '../../infra/native/src/admin-token';
import { resolvePaths } from '../../infra/native/src/paths';
import { gatewayUrl } from './stack';
import { setTimeout as sleep } from 'node:timers/promises';

/** The public API, as a client of the shop uses it. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A test is no stranger: it sends the admin token, which exempts it from the per-client rate
 * limit, unless `headers.authorization` says otherwise (`STRANGER` sends none at all).
 */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const { authorization = `Bearer ${adminToken()}`, ...rest } = headers;
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(authorization ? { authorization } : {}),
      ...rest,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const APPROVED_CARD = { cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' };
export const DECLINED_CARD = { cardNumber: '4000000000000002', expiry: '12/30', cvc: '123' };

export function orderRequest(overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest {
  return { email: 'ada@example.com', items: [{ sku: 'MUG-01', quantity: 1 }], payment: APPROVED_CARD, ...overrides };
}

export async function products(): Promise<Map<string, Product>> {
  const res = await api<Product[]>('GET', '/api/products');
  if (res.status !== 200) throw new Error(`GET /api/products answered ${res.status}`);
  return new Map(res.body.map((p) => [p.sku, p]));
}

/** Polls an order until its status is one of `statuses`, or fails naming the last status seen. */
export async function waitForOrder(id: string, statuses: OrderStatus[], timeoutMs = 30_000): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  let last: OrderView | undefined;
  while (Date.now() < deadline) {
    const res = await api<OrderView>('GET', `/api/orders/${id}`).catch(() => undefined);
    if (res?.status === 200) {
      last = res.body;
      if (statuses.includes(last.status)) return last;
    }
    await sleep(200);
  }
  throw new Error(
    `order ${id} did not reach ${statuses.join('/')} within ${timeoutMs / 1000} s (last status: ${last?.status ?? 'unknown'}${last?.failureReason ? `, ${last.failureReason}` : ''})`,
  );
}

/** The admin token of the running stack (HOPTRACE_ADMIN_TOKEN, or the one `npm start` generated). */
export const adminToken = (): string => readAdminToken(resolvePaths());

/**
 * Headers that carry per-request faults as W3C baggage, e.g. { payments: 'error' } →
 * `baggage: hoptrace.fault.payments=error`. With the admin token unless `withToken` is false,
 * which is what an untrusted client sends.
 */
export function faultHeaders(faults: Record<string, string>, { withToken = true } = {}): Record<string, string> {
  const baggage = Object.entries(faults)
    .map(([service, fault]) => `hoptrace.fault.${service}=${fault}`)
    .join(',');
  return { baggage, ...(withToken ? { authorization: `Bearer ${adminToken()}` } : STRANGER) };
}

/** Headers for api() that send no Authorization at all, as a client without the token does. */
export const STRANGER: Record<string, string> = { authorization: '' };

/** Removes every global fault rule (DELETE /api/admin/faults). */
export async function clearGlobalFaults(): Promise<void> {
  const res = await api('DELETE', '/api/admin/faults', undefined, { authorization: `Bearer ${adminToken()}` });
  if (res.status !== 200) throw new Error(`DELETE /api/admin/faults answered ${res.status}`);
}

/** A unique address per attempt, so the attempt's rows can be found even when no order id came back. */
/**
 * Orders whose client sent its own `traceparent` continue a trace that starts outside hoptrace:
 * their root names a parent no one here has. The hostile-input tests that place them check their
 * traces themselves; the post-run trace audit leaves orders with this address domain out.
 */
export const CLIENT_PARENT_DOMAIN = 'client-parent.example';
export const clientParentEmail = (tag: string): string =>
  `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@${CLIENT_PARENT_DOMAIN}`;

export const uniqueEmail = (tag: string): string =>
  `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;

export interface TimedResponse<T> extends ApiResponse<T> {
  ms: number;
}

/** POST /api/orders, timed from the client's side. */
export async function placeOrder<T = CreatedOrder>(
  request: CreateOrderRequest,
  headers: Record<string, string> = {},
): Promise<TimedResponse<T>> {
  const started = performance.now();
  const res = await api<T>('POST', '/api/orders', request, headers);
  return { ...res, ms: performance.now() - started };
}

/** The trace id a response names: the body's traceId, else the W3C `traceresponse` header. */
export function traceIdOf(res: ApiResponse<unknown>): string | undefined {
  const fromBody = (res.body as { traceId?: unknown } | undefined)?.traceId;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  return /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')?.[1];
}

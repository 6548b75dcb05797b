import type { CreatedOrder, OrderStatus } from '@hoptrace/contracts';
import { api, orderRequest, waitForOrder } from './shop';

/** SKUs with deep stock: load never turns into 409s. */
const SKUS = ['MUG-01', 'TEE-SPAN', 'HOODIE-OTEL', 'STICKER-W3C', 'CAP-KAFKA'];

export interface PlacedOrder {
  id: string;
  traceId: string;
  latencyMs: number;
}

export interface LoadResult {
  orders: PlacedOrder[];
  rejected: { status: number; body: unknown }[];
  elapsedMs: number;
}

/** Places `count` orders through the gateway with `concurrency` clients in parallel. */
export async function placeOrdersUnderLoad(count: number, concurrency: number): Promise<LoadResult> {
  const orders: PlacedOrder[] = [];
  const rejected: LoadResult['rejected'] = [];
  let next = 0;
  const started = Date.now();
  const client = async () => {
    while (next < count) {
      const i = next++;
      const sent = Date.now();
      const res = await api<CreatedOrder>(
        'POST',
        '/api/orders',
        orderRequest({
          email: `load${i}@example.com`,
          items: [{ sku: SKUS[i % SKUS.length]!, quantity: 1 + (i % 3) }],
        }),
      );
      if (res.status === 201) orders.push({ id: res.body.id, traceId: res.body.traceId, latencyMs: Date.now() - sent });
      else rejected.push({ status: res.status, body: res.body });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { orders, rejected, elapsedMs: Date.now() - started };
}

export async function waitForAll(ids: string[], statuses: OrderStatus[], timeoutMs: number): Promise<Map<string, OrderStatus>> {
  const result = new Map<string, OrderStatus>();
  for (const id of ids) result.set(id, (await waitForOrder(id, statuses, timeoutMs)).status);
  return result;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

import type { OrderItem, OrderItemInput, Product } from '@hoptrace/contracts';
import { Conflict, ValidationFailed } from '@hoptrace/kit';

/** The shop's catalogue, seeded on first start. POSTER-LTD is scarce on purpose: it shows a 409. */
export const SEED_PRODUCTS: Product[] = [
  { sku: 'MUG-01', name: 'Trace mug', priceCents: 1200, stock: 10_000 },
  { sku: 'TEE-SPAN', name: 'Span T-shirt', priceCents: 2400, stock: 10_000 },
  { sku: 'HOODIE-OTEL', name: 'Collector hoodie', priceCents: 5400, stock: 10_000 },
  { sku: 'STICKER-W3C', name: 'traceparent sticker pack', priceCents: 300, stock: 10_000 },
  { sku: 'CAP-KAFKA', name: 'Partition cap', priceCents: 1800, stock: 10_000 },
  { sku: 'POSTER-LTD', name: 'Limited waterfall poster', priceCents: 3000, stock: 5 },
];

export interface ReservationPlan {
  lines: OrderItem[];
  totalCents: number;
}

/**
 * Checks a request against the current catalogue rows: every SKU known and in stock, repeated SKUs
 * merged. Unknown SKUs are invalid input (422, naming `items.N.sku`); too few in stock is a
 * conflict (409, naming `items.N.quantity`).
 */
export function planReservation(products: Product[], items: OrderItemInput[]): ReservationPlan {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const unknown: Record<string, string> = {};
  items.forEach((item, i) => {
    if (!bySku.has(item.sku)) unknown[`items.${i}.sku`] = `unknown sku ${item.sku}`;
  });
  if (Object.keys(unknown).length) throw new ValidationFailed(unknown);

  const wanted = new Map<string, number>();
  for (const item of items) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
  const short: Record<string, string> = {};
  items.forEach((item, i) => {
    const product = bySku.get(item.sku)!;
    if (wanted.get(item.sku)! > product.stock) short[`items.${i}.quantity`] = `only ${product.stock} of ${item.sku} in stock`;
  });
  if (Object.keys(short).length) throw new Conflict('insufficient_stock', 'not enough stock for this order', short);

  const lines = [...wanted].map(([sku, quantity]) => ({ sku, quantity, priceCents: bySku.get(sku)!.priceCents }));
  return { lines, totalCents: lines.reduce((sum, l) => sum + l.quantity * l.priceCents, 0) };
}

import type { OrderItemInput, Product } from '@hoptrace/contracts';

/** The same limits the server enforces on POST /api/orders. */
export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;
export const MAX_LINES = 20;

export interface CartLine {
  sku: string;
  quantity: number;
}

/** Immutable: every operation returns a new array so the store can compare by reference. */
export type Cart = readonly CartLine[];

export interface PricedLine extends CartLine {
  name: string;
  unitCents: number;
  lineCents: number;
  stock: number;
}

export interface PricedCart {
  lines: PricedLine[];
  totalCents: number;
  itemCount: number;
}

export function clampQuantity(quantity: number): number {
  if (!Number.isFinite(quantity)) return MIN_QUANTITY;
  return Math.min(MAX_QUANTITY, Math.max(MIN_QUANTITY, Math.trunc(quantity)));
}

export function quantityOf(cart: Cart, sku: string): number {
  return cart.find((line) => line.sku === sku)?.quantity ?? 0;
}

export function canAdd(cart: Cart, sku: string): boolean {
  const quantity = quantityOf(cart, sku);
  return quantity > 0 ? quantity < MAX_QUANTITY : cart.length < MAX_LINES;
}

/** Returns the cart unchanged (same reference) when the line limit or the quantity cap forbids it. */
export function addItem(cart: Cart, sku: string, by = 1): Cart {
  if (!canAdd(cart, sku)) return cart;
  if (quantityOf(cart, sku) === 0) return [...cart, { sku, quantity: clampQuantity(by) }];
  return cart.map((line) => (line.sku === sku ? { sku, quantity: clampQuantity(line.quantity + by) } : line));
}

export function setQuantity(cart: Cart, sku: string, quantity: number): Cart {
  return cart.map((line) => (line.sku === sku ? { sku, quantity: clampQuantity(quantity) } : line));
}

export function removeItem(cart: Cart, sku: string): Cart {
  return cart.filter((line) => line.sku !== sku);
}

/** Drops lines for products the catalogue no longer lists, which the server would reject. */
export function pruneCart(cart: Cart, products: readonly Product[]): Cart {
  const known = new Set(products.map((p) => p.sku));
  const kept = cart.filter((line) => known.has(line.sku));
  return kept.length === cart.length ? cart : kept;
}

export function priceCart(cart: Cart, products: readonly Product[]): PricedCart {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const lines: PricedLine[] = [];
  for (const line of cart) {
    const product = bySku.get(line.sku);
    if (!product) continue;
    lines.push({
      ...line,
      name: product.name,
      unitCents: product.priceCents,
      lineCents: product.priceCents * line.quantity,
      stock: product.stock,
    });
  }
  return {
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.lineCents, 0),
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
  };
}

export function toOrderItems(cart: Cart): OrderItemInput[] {
  return cart.map(({ sku, quantity }) => ({ sku, quantity }));
}

/** Reads a stored cart defensively: storage is user-editable and may hold an older shape. */
export function parseCart(json: string | null): Cart {
  if (!json) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  let cart: Cart = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { sku, quantity } = item as Record<string, unknown>;
    if (typeof sku !== 'string' || typeof quantity !== 'number' || quantityOf(cart, sku) > 0) continue;
    if (cart.length >= MAX_LINES) break;
    cart = [...cart, { sku, quantity: clampQuantity(quantity) }];
  }
  return cart;
}

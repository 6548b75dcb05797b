import type { OrderView } from '@hoptrace/contracts';
import type { LoadedConfig } from '../api';

/** Everything an order page section may draw from; refreshed on every poll. */
export interface OrderContext {
  order: OrderView;
  /** null until /api/config has answered. */
  config: LoadedConfig | null;
  /** SKU → product name; empty until the catalogue has loaded. */
  productNames: ReadonlyMap<string, string>;
}

/**
 * One self-contained block of the order page. To add one (a trace waterfall, say), write a factory
 * returning this and list it in ORDER_SECTIONS in order-page.ts. `update` runs on every poll and
 * once more when config or product names arrive, so it must be cheap when nothing changed.
 */
export interface OrderSection {
  readonly element: HTMLElement;
  update(context: OrderContext): void;
  destroy?(): void;
}

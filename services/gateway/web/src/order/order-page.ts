import { api, loadConfig, loadProductNames } from '../api';
import { h } from '../dom';
import { startPolling } from '../lib/poller';
import { isTerminal } from '../lib/timeline';
import type { OrderView } from '@hoptrace/contracts';
import type { LoadedConfig } from '../api';
import { createItemsSection } from './items-section';
import { createNotificationsSection } from './notifications-section';
import type { OrderContext, OrderSection } from './section';
import { createStatusSection } from './status-section';
import { createTraceSection } from './trace-section';
import { createTraceWaterfallSection } from './trace-waterfall-section';

/** The order page's blocks, top to bottom. New sections are added here. */
const ORDER_SECTIONS: (() => OrderSection)[] = [
  createStatusSection,
  createItemsSection,
  createTraceSection,
  createTraceWaterfallSection,
  createNotificationsSection,
];

class OrderNotFound extends Error {}

/** `/orders/<id>`: polls the order about once a second until it is completed or failed. */
export function mountOrderPage(root: HTMLElement, orderId: string): () => void {
  let alive = true;
  let order: OrderView | null = null;
  let config: LoadedConfig | null = null;
  let productNames: ReadonlyMap<string, string> = new Map();

  const sections = ORDER_SECTIONS.map((create) => create());
  const loading = h('p', { 'data-testid': 'order-loading' }, 'Loading order…');
  const connection = h('p', { class: 'connection', 'aria-live': 'polite', 'data-testid': 'order-connection' });
  const content = h('div', { class: 'order-sections', hidden: true }, ...sections.map((s) => s.element));
  root.append(
    h('h1', { tabindex: -1 }, 'Order ', h('code', { class: 'order-id', 'data-testid': 'order-id' }, orderId)),
    connection,
    loading,
    content,
  );

  const refresh = () => {
    if (!alive || !order) return;
    const context: OrderContext = { order, config, productNames };
    for (const section of sections) section.update(context);
  };

  void loadConfig().then((loaded) => {
    config = loaded;
    refresh();
  });
  void loadProductNames().then((products) => {
    if (products) productNames = new Map(products.map((p) => [p.sku, p.name]));
    refresh();
  });

  const poller = startPolling<OrderView | OrderNotFound>({
    load: async (signal) => {
      const result = await api.order(orderId, signal);
      if (result.ok) return result.data;
      if (result.status === 404) return new OrderNotFound();
      throw new Error(`HTTP ${result.status}`);
    },
    isDone: (value) => value instanceof OrderNotFound || isTerminal(value.status),
    onValue: (value) => {
      connection.textContent = '';
      if (value instanceof OrderNotFound) {
        loading.replaceChildren('No order with this ID exists. ', h('a', { href: '/' }, 'Back to the shop'), '.');
        loading.dataset['testid'] = 'order-not-found';
        return;
      }
      order = value;
      loading.remove();
      content.hidden = false;
      refresh();
    },
    onError: (_error, retryInMs) => {
      connection.textContent = `Lost contact with the shop; trying again in ${Math.round(retryInMs / 1000)} s.`;
    },
  });

  return () => {
    alive = false;
    poller.stop();
    for (const section of sections) section.destroy?.();
  };
}

import { h } from '../dom';
import { formatCents } from '../lib/money';
import type { OrderSection } from './section';

export function createItemsSection(): OrderSection {
  const body = h('div', {});
  const element = h('section', { class: 'panel', 'aria-labelledby': 'items-heading' }, h('h2', { id: 'items-heading' }, 'Items'), body);
  let shown = '';

  return {
    element,
    update({ order, productNames }) {
      const key = JSON.stringify([order.items, order.totalCents, productNames.size]);
      if (key === shown) return;
      shown = key;
      body.replaceChildren(
        h(
          'table',
          { class: 'items', 'data-testid': 'order-items' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Product'),
              h('th', { scope: 'col', class: 'num' }, 'Qty'),
              h('th', { scope: 'col', class: 'num' }, 'Price'),
              h('th', { scope: 'col', class: 'num' }, 'Subtotal'),
            ),
          ),
          h(
            'tbody',
            {},
            ...order.items.map((item) =>
              h(
                'tr',
                { 'data-testid': `order-item-${item.sku}` },
                h('td', {}, productNames.get(item.sku) ?? item.sku, h('span', { class: 'sku' }, item.sku)),
                h('td', { class: 'num' }, item.quantity),
                h('td', { class: 'num' }, formatCents(item.priceCents)),
                h('td', { class: 'num' }, formatCents(item.priceCents * item.quantity)),
              ),
            ),
          ),
          h(
            'tfoot',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'row', colspan: 3 }, 'Total'),
              h('td', { class: 'num', 'data-testid': 'order-total' }, formatCents(order.totalCents)),
            ),
          ),
        ),
      );
    },
  };
}

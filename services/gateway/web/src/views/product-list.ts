import { h, renderKeepingFocus } from '../dom';
import { canAdd, quantityOf, type Cart } from '../lib/cart';
import { formatCents } from '../lib/money';
import type { Product } from '@hoptrace/contracts';

export function renderProductList(
  container: HTMLElement,
  products: readonly Product[],
  cart: Cart,
  onAdd: (product: Product) => void,
): void {
  if (products.length === 0) {
    renderKeepingFocus(container, [h('p', {}, 'No products are available right now.')]);
    return;
  }
  renderKeepingFocus(container, [
    h(
      'ul',
      { class: 'products', 'data-testid': 'product-list' },
      ...products.map((product) => {
        const inCart = quantityOf(cart, product.sku);
        const soldOut = product.stock <= 0;
        return h(
          'li',
          { class: 'product', 'data-testid': `product-${product.sku}` },
          h('h3', { class: 'product-name' }, product.name),
          h(
            'p',
            { class: 'product-meta' },
            h('span', { class: 'price', 'data-testid': `product-price-${product.sku}` }, formatCents(product.priceCents)),
            h(
              'span',
              { class: soldOut ? 'stock stock-out' : 'stock', 'data-testid': `product-stock-${product.sku}` },
              soldOut ? 'Out of stock' : `${product.stock} in stock`,
            ),
          ),
          h(
            'p',
            { class: 'product-actions' },
            h(
              'button',
              {
                type: 'button',
                id: `add-${product.sku}`,
                class: 'button',
                'data-testid': `add-to-cart-${product.sku}`,
                disabled: soldOut || !canAdd(cart, product.sku),
                onclick: () => onAdd(product),
              },
              'Add to cart',
              h('span', { class: 'visually-hidden' }, `: ${product.name}`),
            ),
            inCart > 0 ? h('span', { class: 'in-cart' }, `${inCart} in cart`) : null,
          ),
        );
      }),
    ),
  ]);
}

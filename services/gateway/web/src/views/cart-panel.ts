import { h, renderKeepingFocus } from '../dom';
import { MAX_QUANTITY, MIN_QUANTITY, type PricedCart, type PricedLine } from '../lib/cart';
import { formatCents } from '../lib/money';

export interface CartHandlers {
  setQuantity(sku: string, quantity: number): void;
  remove(sku: string): void;
}

export const quantityInputId = (sku: string) => `cart-qty-${sku}`;

export function renderCart(
  container: HTMLElement,
  cart: PricedCart,
  lineErrors: Readonly<Record<string, string>>,
  handlers: CartHandlers,
): void {
  if (cart.lines.length === 0) {
    renderKeepingFocus(container, [h('p', { class: 'cart-empty', 'data-testid': 'cart-empty' }, 'Your cart is empty.')]);
    return;
  }
  renderKeepingFocus(container, [
    h(
      'ul',
      { class: 'cart-lines', 'data-testid': 'cart-lines' },
      ...cart.lines.map((line) => renderLine(line, lineErrors[line.sku], handlers)),
    ),
    h('p', { class: 'cart-total' }, 'Total ', h('strong', { 'data-testid': 'cart-total' }, formatCents(cart.totalCents))),
  ]);
}

function renderLine(line: PricedLine, error: string | undefined, handlers: CartHandlers): HTMLElement {
  const inputId = quantityInputId(line.sku);
  const noteId = `${inputId}-note`;
  // Stock is advisory: the server decides (409), and stock may have changed since the list loaded.
  const note = error ?? (line.quantity > line.stock ? `Only ${line.stock} in stock.` : undefined);
  return h(
    'li',
    { class: 'cart-line', 'data-testid': `cart-line-${line.sku}` },
    h(
      'div',
      { class: 'cart-line-head' },
      h('span', { class: 'cart-line-name' }, line.name),
      h('span', { class: 'cart-line-total', 'data-testid': `cart-line-total-${line.sku}` }, formatCents(line.lineCents)),
    ),
    h(
      'div',
      { class: 'cart-line-controls' },
      h(
        'button',
        {
          type: 'button',
          id: `${inputId}-dec`,
          class: 'button button-small',
          'aria-label': `One fewer ${line.name}`,
          'data-testid': `cart-decrease-${line.sku}`,
          onclick: () => handlers.setQuantity(line.sku, line.quantity - 1),
        },
        '−',
      ),
      h('label', { for: inputId, class: 'visually-hidden' }, `Quantity of ${line.name}`),
      h('input', {
        id: inputId,
        class: 'qty',
        type: 'number',
        inputmode: 'numeric',
        min: MIN_QUANTITY,
        max: MAX_QUANTITY,
        step: 1,
        value: line.quantity,
        'data-testid': `cart-qty-${line.sku}`,
        'aria-invalid': error ? 'true' : null,
        'aria-describedby': note ? noteId : null,
        onchange: (event) => handlers.setQuantity(line.sku, Number((event.target as HTMLInputElement).value)),
      }),
      h(
        'button',
        {
          type: 'button',
          id: `${inputId}-inc`,
          class: 'button button-small',
          'aria-label': `One more ${line.name}`,
          'data-testid': `cart-increase-${line.sku}`,
          onclick: () => handlers.setQuantity(line.sku, line.quantity + 1),
        },
        '+',
      ),
      h('span', { class: 'cart-line-unit' }, `× ${formatCents(line.unitCents)}`),
      h(
        'button',
        { type: 'button', class: 'button button-link', 'data-testid': `cart-remove-${line.sku}`, onclick: () => handlers.remove(line.sku) },
        'Remove',
        h('span', { class: 'visually-hidden' }, ` ${line.name}`),
      ),
    ),
    note
      ? h('p', { id: noteId, class: error ? 'field-error' : 'cart-line-note', 'data-testid': `cart-line-error-${line.sku}` }, note)
      : null,
  );
}

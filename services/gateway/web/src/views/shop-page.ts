import { api } from '../api';
import { cartStore } from '../cart-store';
import { chaosStore } from '../chaos-store';
import { h } from '../dom';
import { addItem, priceCart, pruneCart, quantityOf, removeItem, setQuantity, toOrderItems } from '../lib/cart';
import { describeFault, nextOrderHeaders } from '../lib/next-fault';
import { orderPath } from '../lib/route';
import { describeCheckoutFailure, mapServerFields } from '../lib/server-errors';
import type { Product } from '@hoptrace/contracts';
import { normalizeCheckout, validateCart, validateCheckout, type CheckoutInput } from '../lib/validation';
import type { Navigate } from '../router';
import { traceUserStep } from '../telemetry';
import { quantityInputId, renderCart } from './cart-panel';
import { createCheckoutForm } from './checkout-form';
import { createNextFaultBanner } from './next-fault-banner';
import { renderProductList } from './product-list';

/** `/`: wires products, cart and checkout together; each view only renders what it is given. */
export function mountShopPage(root: HTMLElement, navigate: Navigate): () => void {
  let alive = true;
  let products: Product[] = [];
  let lineErrors: Record<string, string> = {};

  const productBox = h('div', { class: 'product-box', 'aria-busy': 'true' }, h('p', {}, 'Loading products…'));
  const cartBox = h('div', { class: 'cart-box' });
  const cartStatus = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'cart-status' });
  const form = createCheckoutForm((input) => void submit(input));
  const chaosBanner = createNextFaultBanner();

  root.append(
    h('h1', { tabindex: -1 }, 'Shop'),
    chaosBanner.element,
    h(
      'div',
      { class: 'shop' },
      h('section', { class: 'panel', 'aria-labelledby': 'products-heading' }, h('h2', { id: 'products-heading' }, 'Products'), productBox),
      h(
        'div',
        { class: 'side' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'cart-heading', 'data-testid': 'cart' },
          h('h2', { id: 'cart-heading' }, 'Cart'),
          cartStatus,
          cartBox,
        ),
        h('section', { class: 'panel' }, form.element),
      ),
    ),
  );

  const nameOf = (sku: string) => products.find((p) => p.sku === sku)?.name ?? sku;

  function render(): void {
    const cart = cartStore.get();
    const priced = priceCart(cart, products);
    if (productBox.getAttribute('aria-busy') !== 'true' && !productBox.dataset['failed']) {
      renderProductList(productBox, products, cart, (product) => {
        cartStore.set(addItem(cartStore.get(), product.sku));
        cartStatus.textContent = `${product.name} added: ${quantityOf(cartStore.get(), product.sku)} in cart.`;
      });
    }
    renderCart(cartBox, priced, lineErrors, {
      setQuantity: (sku, quantity) => cartStore.set(setQuantity(cartStore.get(), sku, quantity)),
      remove: (sku) => {
        cartStore.set(removeItem(cartStore.get(), sku));
        cartStatus.textContent = `${nameOf(sku)} removed from the cart.`;
      },
    });
    form.setTotal(priced.totalCents);
  }

  async function loadProducts(): Promise<void> {
    const result = await api.products();
    if (!alive) return;
    productBox.removeAttribute('aria-busy');
    if (!result.ok) {
      productBox.dataset['failed'] = 'true';
      productBox.replaceChildren(
        h('p', { role: 'alert', 'data-testid': 'products-error' }, 'The products could not be loaded. '),
        h('button', { type: 'button', class: 'button', onclick: () => void loadProducts() }, 'Try again'),
      );
      return;
    }
    delete productBox.dataset['failed'];
    products = result.data;
    cartStore.set(pruneCart(cartStore.get(), products)); // re-renders when something was pruned
    render();
  }

  async function submit(raw: CheckoutInput): Promise<void> {
    const cart = cartStore.get();
    const cartProblem = validateCart(cart);
    const fieldErrors = validateCheckout(raw, new Date());
    if (cartProblem || Object.keys(fieldErrors).length > 0) {
      form.showErrors({ title: 'Please check your order', items: cartProblem ? [{ text: cartProblem }] : [] }, fieldErrors);
      return;
    }
    form.setBusy(true);
    const input = normalizeCheckout(raw);
    const items = toOrderItems(cart);
    const fault = chaosStore.takeNextFault(); // one order only, whatever its outcome
    // The order's trace starts here: POST /api/orders is this span's child.
    const result = await traceUserStep('submit order', () =>
      api.createOrder(
        {
          email: input.email,
          items,
          payment: { cardNumber: input.cardNumber, expiry: input.expiry, cvc: input.cvc },
        },
        nextOrderHeaders(fault, chaosStore.token()),
      ),
    );
    if (!alive) return;
    form.setBusy(false);
    if (result.ok && typeof result.data?.id === 'string') {
      cartStore.set([]);
      navigate(orderPath(result.data.id));
      return;
    }
    const failure = describeCheckoutFailure(result.status, result.ok ? null : result.error);
    const mapped = mapServerFields(result.ok ? undefined : result.error?.error.fields, items);
    lineErrors = mapped.lines;
    render();
    form.showErrors(
      {
        title: failure.title,
        message: failure.message,
        ...(failure.detail ? { detail: failure.detail } : {}),
        ...(failure.orderId ? { orderId: failure.orderId } : {}),
        items: [
          ...(fault ? [{ text: `This order carried the injected fault ${describeFault(fault)}.` }] : []),
          ...mapped.general.map((text) => ({ text })),
          ...Object.entries(mapped.lines).map(([sku, text]) => ({ text: `${nameOf(sku)}: ${text}`, targetId: quantityInputId(sku) })),
        ],
      },
      { ...failure.fieldErrors, ...mapped.inputs },
    );
    if (failure.refreshProducts) void loadProducts();
  }

  const unsubscribe = cartStore.subscribe(() => {
    lineErrors = {}; // they described the cart as it was sent
    render();
  });
  const unsubscribeChaos = chaosStore.subscribe(chaosBanner.update);
  render();
  void loadProducts();

  return () => {
    alive = false;
    unsubscribe();
    unsubscribeChaos();
  };
}

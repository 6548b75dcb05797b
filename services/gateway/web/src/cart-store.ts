import { parseCart, type Cart } from './lib/cart';

/**
 * The cart survives reloads within the tab via sessionStorage. Only SKUs and quantities go there:
 * email and card data are never stored anywhere.
 */

const KEY = 'hoptrace.cart';
type Listener = (cart: Cart) => void;

function read(): Cart {
  try {
    return parseCart(sessionStorage.getItem(KEY));
  } catch {
    return []; // storage disabled (privacy mode): the cart just lives in memory
  }
}

function write(cart: Cart): void {
  try {
    if (cart.length === 0) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(cart));
  } catch {
    // same as above: in-memory only
  }
}

let cart: Cart = read();
const listeners = new Set<Listener>();

export const cartStore = {
  get: (): Cart => cart,
  set(next: Cart): void {
    if (next === cart) return;
    cart = next;
    write(cart);
    for (const listener of listeners) listener(cart);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

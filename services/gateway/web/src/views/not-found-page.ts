import { h } from '../dom';

export function mountNotFoundPage(root: HTMLElement): () => void {
  root.append(
    h('h1', { tabindex: -1 }, 'Page not found'),
    h('p', {}, 'There is nothing at this address. ', h('a', { href: '/' }, 'Go to the shop'), '.'),
  );
  return () => {};
}

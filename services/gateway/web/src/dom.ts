/** A tiny element builder: enough to keep views declarative without a framework. */

type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** replaceChildren that, like h(), skips null/false so optional parts read inline. */
export function setChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * Re-renders `container` while keeping keyboard focus on the element with the same id, so a
 * keyboard user editing a cart quantity does not get thrown back to the top of the page.
 */
export function renderKeepingFocus(container: HTMLElement, children: Child[]): void {
  const active = document.activeElement;
  const focusedId = active instanceof HTMLElement && container.contains(active) ? active.id : '';
  container.replaceChildren();
  append(container, children);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Fragment links alone scroll but do not focus the input; keyboard users need focus there. */
export function focusTarget(event: Event, id: string): void {
  const target = document.getElementById(id);
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: 'center' });
}

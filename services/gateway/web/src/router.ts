import { parseRoute, type Route } from './lib/route';

export type Navigate = (path: string) => void;

/**
 * History API routing. Same-origin links are intercepted so pages swap without a reload; the
 * gateway must answer every non-/api GET with index.html for deep links and reloads to work.
 */
export function createRouter(onRoute: (route: Route, isNavigation: boolean) => void): { navigate: Navigate; start(): void } {
  const navigate: Navigate = (path) => {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    onRoute(parseRoute(location.pathname), true);
  };

  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
    if (link.pathname.startsWith('/api/')) return;
    if (link.pathname === location.pathname && link.hash) return; // in-page anchor
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  };

  return {
    navigate,
    start() {
      document.addEventListener('click', onClick);
      window.addEventListener('popstate', () => onRoute(parseRoute(location.pathname), true));
      onRoute(parseRoute(location.pathname), false);
    },
  };
}

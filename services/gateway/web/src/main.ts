import './styles.css';
import type { Route } from './lib/route';
import { mountOrderPage } from './order/order-page';
import { createRouter, type Navigate } from './router';
import { mountChaosPage } from './views/chaos-page';
import { mountNotFoundPage } from './views/not-found-page';
import { startTelemetry } from './telemetry';
import { mountShopPage } from './views/shop-page';

// First: the document-load and fetch instrumentations must be on before the first request.
startTelemetry();

const app = document.getElementById('app');
if (!app) throw new Error('index.html has no #app element');

let unmount: (() => void) | undefined;

function mount(route: Route, navigate: Navigate): () => void {
  switch (route.page) {
    case 'shop':
      return mountShopPage(app!, navigate);
    case 'order':
      return mountOrderPage(app!, route.orderId);
    case 'chaos':
      return mountChaosPage(app!);
    case 'not-found':
      return mountNotFoundPage(app!);
  }
}

const router = createRouter((route, isNavigation) => {
  unmount?.(); // stops the previous page's polling and listeners
  app.replaceChildren();
  unmount = mount(route, router.navigate);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.site-nav a')) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = app.querySelector('h1');
  document.title = `${heading?.textContent ?? 'hoptrace'} · hoptrace shop`;
  // A page swap is silent for screen readers unless focus moves to the new content.
  if (isNavigation) {
    window.scrollTo(0, 0);
    heading?.focus();
  }
});
router.start();

export type Route = { page: 'shop' } | { page: 'order'; orderId: string } | { page: 'chaos' } | { page: 'not-found' };

export const CHAOS_PATH = '/chaos';

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'shop' };
  if (pathname === CHAOS_PATH || pathname === `${CHAOS_PATH}/`) return { page: 'chaos' };
  const order = /^\/orders\/([^/]+)\/?$/.exec(pathname);
  if (order?.[1]) {
    try {
      return { page: 'order', orderId: decodeURIComponent(order[1]) };
    } catch {
      return { page: 'not-found' }; // malformed percent-encoding
    }
  }
  return { page: 'not-found' };
}

export function orderPath(orderId: string): string {
  return `/orders/${encodeURIComponent(orderId)}`;
}

/** Tolerates a configured URL with or without a trailing slash. */
export function jaegerTraceUrl(jaegerUiUrl: string, traceId: string): string {
  return `${jaegerUiUrl.replace(/\/+$/, '')}/trace/${encodeURIComponent(traceId)}`;
}

import { h } from '../dom';
import { jaegerTraceUrl } from '../lib/route';
import type { OrderSection } from './section';

export function createTraceSection(): OrderSection {
  const traceId = h('code', { class: 'trace-id', 'data-testid': 'trace-id' });
  const link = h('p', {});
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'trace-heading', 'data-testid': 'order-trace-section' },
    h('h2', { id: 'trace-heading' }, 'Trace'),
    h('p', {}, 'Trace ID ', traceId),
    link,
  );
  let shown = '';

  return {
    element,
    update({ order, config }) {
      const key = `${order.traceId} ${config ? config.jaegerUiUrl : 'loading'}`;
      if (key === shown) return;
      shown = key;
      traceId.textContent = order.traceId;
      if (!config) return;
      link.replaceChildren(
        config.jaegerUiUrl
          ? h(
              'a',
              {
                href: jaegerTraceUrl(config.jaegerUiUrl, order.traceId),
                target: '_blank',
                rel: 'noopener noreferrer',
                class: 'button',
                'data-testid': 'jaeger-link',
              },
              'View trace in Jaeger',
              h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
            )
          : h('span', { class: 'hint' }, 'The Jaeger link is unavailable: the shop configuration could not be loaded.'),
      );
    },
  };
}

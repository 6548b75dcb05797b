import { api } from '../api';
import { h } from '../dom';
import { startPolling, type Poller } from '../lib/poller';
import { isTerminal } from '../lib/timeline';
import { describeEventAttributes, formatDuration, transportOf } from '../lib/trace-format';
import { barGeometry, offsetPercent, traceWindow, waterfallRows, type TraceWindow, type WaterfallRow } from '../lib/trace-layout';
import { initialTraceWatch, observeTracePoll, TRACE_POLL_INTERVAL_MS } from '../lib/trace-watch';
import type { OrderTrace, TraceEventView } from '@hoptrace/contracts';
import type { OrderSection } from './section';

/**
 * The order's own trace as a waterfall, read from the gateway (which asks Jaeger): one row per
 * span, children under their parent, bars scaled to the whole trace. Re-read while spans may still
 * be arriving; see lib/trace-watch.ts for when it stops.
 */

type TraceLoad = { state: 'ready'; trace: OrderTrace } | { state: 'not-yet' | 'jaeger-down' | 'error' };
type Unavailable = Exclude<TraceLoad['state'], 'ready'>;

/** [while still retrying, once given up]. */
const UNAVAILABLE_TEXT: Record<Unavailable, [string, string]> = {
  'not-yet': ['The trace is not available yet; checking again in a moment.', 'The trace did not reach Jaeger.'],
  'jaeger-down': ['Jaeger is unreachable; retrying.', 'Jaeger is unreachable. Reload the page to try again.'],
  error: ['The trace could not be loaded; retrying.', 'The trace could not be loaded. Reload the page to try again.'],
};
const SERVICE_COLOURS = 6;

async function loadTrace(orderId: string, signal: AbortSignal): Promise<TraceLoad> {
  const result = await api.orderTrace(orderId, signal);
  if (result.ok && Array.isArray(result.data?.spans)) return { state: 'ready', trace: result.data };
  if (result.status === 404) return { state: 'not-yet' };
  if (result.status === 503) return { state: 'jaeger-down' };
  return { state: 'error' };
}

export function createTraceWaterfallSection(): OrderSection {
  const status = h(
    'p',
    { class: 'waterfall-status', 'aria-live': 'polite', 'data-testid': 'trace-waterfall-status' },
    'Loading the trace…',
  );
  const summary = h('p', { class: 'waterfall-summary', hidden: true });
  // Focusable so keyboard users can scroll it sideways on a narrow screen.
  const scroller = h('div', {
    class: 'waterfall-scroll',
    role: 'region',
    'aria-labelledby': 'waterfall-heading',
    tabindex: 0,
    hidden: true,
  });
  const element = h(
    'section',
    {
      class: 'panel',
      'aria-labelledby': 'waterfall-heading',
      'data-testid': 'trace-waterfall',
      'data-state': 'loading',
      'data-polling': 'true',
    },
    h('h2', { id: 'waterfall-heading' }, 'Trace waterfall'),
    status,
    summary,
    scroller,
  );
  let poller: Poller | undefined;
  let orderEnded = false;
  let watch = initialTraceWatch;
  let done = false;
  let shownTrace = '';

  function show(load: TraceLoad): void {
    element.dataset['state'] = load.state;
    element.dataset['polling'] = String(!done);
    if (load.state !== 'ready') {
      // A trace already on screen stays there: the hiccup is only reported above it.
      status.textContent = UNAVAILABLE_TEXT[load.state][done ? 1 : 0];
      return;
    }
    status.textContent = '';
    const { spans } = load.trace;
    const services = new Set(spans.map((s) => s.service)).size;
    summary.hidden = false;
    summary.textContent =
      `${spans.length} ${spans.length === 1 ? 'span' : 'spans'} from ${services} ${services === 1 ? 'service' : 'services'}` +
      ` over ${formatDuration(traceWindow(spans).durationUs)}.${done ? '' : ' More spans may still arrive.'}`;
    const key = JSON.stringify(load.trace);
    if (key === shownTrace) return;
    shownTrace = key;
    scroller.hidden = false;
    scroller.replaceChildren(renderTable(load.trace));
  }

  return {
    element,
    update({ order }) {
      orderEnded = isTerminal(order.status);
      poller ??= startPolling<TraceLoad>({
        load: (signal) => loadTrace(order.id, signal),
        intervalMs: TRACE_POLL_INTERVAL_MS,
        onValue: (load) => {
          const spanCount = load.state === 'ready' ? load.trace.spans.length : null;
          ({ watch, done } = observeTracePoll(watch, { nowMs: Date.now(), orderEnded, spanCount }));
          show(load);
        },
        isDone: () => done,
        onError: () => {}, // not reached: loadTrace turns every failure into a state to show
      });
    },
    destroy() {
      poller?.stop();
    },
  };
}

function renderTable(trace: OrderTrace): HTMLTableElement {
  const rows = waterfallRows(trace.spans);
  const window = traceWindow(trace.spans);
  const services = [...new Set(rows.map((row) => row.span.service))];
  return h(
    'table',
    { class: 'waterfall' },
    h(
      'caption',
      { class: 'visually-hidden' },
      "Spans of this order's trace; each span is followed by the spans it started. Times are from the start of the trace.",
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Span'),
        h('th', { scope: 'col', class: 'num' }, 'Start'),
        h('th', { scope: 'col', class: 'num' }, 'Duration'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col', class: 'waterfall-timeline' }, 'Timeline'),
      ),
    ),
    h('tbody', {}, ...rows.map((row) => renderRow(row, window, services.indexOf(row.span.service) % SERVICE_COLOURS))),
  );
}

function renderRow({ span, depth, parentMissing }: WaterfallRow, window: TraceWindow, colour: number): HTMLTableRowElement {
  const transport = transportOf(span);
  const label = h(
    'td',
    { class: 'waterfall-span' },
    depth > 0 ? h('span', { class: 'visually-hidden' }, `Level ${depth + 1}: `) : null,
    h('span', { class: 'waterfall-service' }, span.service),
    ' ',
    h('span', { class: 'waterfall-name' }, span.name),
    span.kind ? h('span', { class: 'waterfall-kind' }, ` ${span.kind}`) : null,
    transport ? h('span', { class: 'waterfall-transport', 'data-testid': 'trace-span-transport' }, transport) : null,
    parentMissing ? h('span', { class: 'waterfall-flag' }, 'parent missing') : null,
    span.events.length > 0 ? h('ul', { class: 'waterfall-events' }, ...span.events.map((event) => renderEvent(event, window))) : null,
  );
  // CSSOM rather than a style attribute: keeps working under a strict style-src CSP.
  label.style.setProperty('--depth', String(depth));

  const bar = h('div', { class: `waterfall-bar service-colour-${colour}` });
  const { leftPct, widthPct } = barGeometry(span, window);
  bar.style.left = `${leftPct}%`;
  bar.style.width = `${widthPct}%`;
  const marks = span.events.map((event) => {
    const mark = h('div', { class: `waterfall-mark${event.name === 'exception' ? ' waterfall-mark-error' : ''}` });
    mark.style.left = `${offsetPercent(event.offsetUs, window)}%`;
    return mark;
  });

  return h(
    'tr',
    {
      class: span.error ? 'waterfall-row waterfall-row-error' : 'waterfall-row',
      'data-testid': 'trace-span',
      'data-service': span.service,
      'data-name': span.name,
      'data-error': String(span.error),
      ...(span.kind ? { 'data-kind': span.kind } : {}),
      ...(transport ? { 'data-transport': transport } : {}),
    },
    label,
    h('td', { class: 'num' }, formatDuration(span.startOffsetUs - window.startUs)),
    h('td', { class: 'num' }, formatDuration(span.durationUs)),
    h('td', { class: 'waterfall-outcome' }, span.error ? h('strong', {}, h('span', { 'aria-hidden': 'true' }, '✕ '), 'error') : 'ok'),
    // The bar repeats the Start and Duration columns for the eye; screen readers have those.
    h('td', { class: 'waterfall-timeline' }, h('div', { class: 'waterfall-track', 'aria-hidden': 'true' }, bar, ...marks)),
  );
}

function renderEvent(event: TraceEventView, window: TraceWindow): HTMLLIElement {
  const details = describeEventAttributes(event.attributes);
  return h(
    'li',
    {
      class: event.name === 'exception' ? 'waterfall-event waterfall-event-error' : 'waterfall-event',
      'data-testid': 'trace-span-event',
      'data-name': event.name,
    },
    h('span', { class: 'waterfall-event-name' }, event.name),
    ` at ${formatDuration(event.offsetUs - window.startUs)}`,
    details ? h('span', { class: 'waterfall-event-details' }, ` · ${details}`) : null,
  );
}

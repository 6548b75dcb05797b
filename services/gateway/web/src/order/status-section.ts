import { formatTime, h } from '../dom';
import { statusLabel, timelineSteps, type StepState } from '../lib/timeline';
import type { OrderSection } from './section';

const STATE_TEXT: Record<StepState, string> = { done: 'done', current: 'in progress', upcoming: 'not yet', failed: 'failed' };

export function createStatusSection(): OrderSection {
  const status = h('p', { class: 'order-status', 'data-testid': 'order-status' });
  const reason = h('p', { class: 'failure-reason', 'data-testid': 'failure-reason', hidden: true });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'order-timeline' });
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'status-heading', 'data-testid': 'order-status-section' },
    h('h2', { id: 'status-heading' }, 'Status'),
    // Announces each change once; the timeline below is not live so it is not read out every poll.
    h('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, status, reason),
    timeline,
  );
  let shown = '';

  return {
    element,
    update({ order }) {
      const key = JSON.stringify([order.status, order.failureReason, order.events]);
      if (key === shown) return;
      shown = key;
      status.textContent = `Status: ${statusLabel(order.status)}`;
      status.dataset['status'] = order.status;
      reason.hidden = order.status !== 'failed';
      reason.textContent = order.status === 'failed' ? `Reason: ${order.failureReason ?? 'not reported'}` : '';
      timeline.replaceChildren(
        ...timelineSteps(order).map((step) =>
          h(
            'li',
            {
              class: `step step-${step.state}`,
              'data-testid': `timeline-step-${step.key}`,
              'data-state': step.state,
              'aria-current': step.state === 'current' ? 'step' : null,
            },
            h('span', { class: 'step-marker', 'aria-hidden': 'true' }, step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : ''),
            h('span', { class: 'step-label' }, step.label),
            h('span', { class: 'visually-hidden' }, `: ${STATE_TEXT[step.state]}`),
            step.at ? h('time', { class: 'step-time', datetime: step.at }, formatTime(step.at)) : null,
          ),
        ),
      );
    },
  };
}

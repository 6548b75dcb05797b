import { api } from '../api';
import { formatTime, h, setChildren } from '../dom';
import type { Notification } from '@hoptrace/contracts';
import type { OrderSection } from './section';

// The order completes when notifications reports it sent the email, so the list is normally there
// at once; a few spaced retries cover a read replica or cache that is a moment behind.
const RETRY_DELAYS_MS = [1000, 2000, 4000];

/** Shown only once the order is completed: before that there is nothing to list. */
export function createNotificationsSection(): OrderSection {
  const body = h('div', { 'aria-live': 'polite' });
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'notifications-heading', hidden: true, 'data-testid': 'order-notifications' },
    h('h2', { id: 'notifications-heading' }, 'Notifications sent'),
    body,
  );
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  async function load(orderId: string, attempt: number): Promise<void> {
    const result = await api.notifications(orderId);
    if (destroyed) return;
    const list = result.ok && Array.isArray(result.data) ? result.data : null;
    const delay = RETRY_DELAYS_MS[attempt];
    if ((list === null || list.length === 0) && delay !== undefined) {
      if (list === null) body.replaceChildren(h('p', {}, 'Loading notifications…'));
      timer = setTimeout(() => void load(orderId, attempt + 1), delay);
      return;
    }
    setChildren(
      body,
      list === null
        ? h('p', { 'data-testid': 'notifications-error' }, 'The notifications could not be loaded. Reload the page to try again.')
        : list.length === 0
          ? h('p', {}, 'No notifications were sent for this order.')
          : null,
      h('ul', { class: 'notifications', 'data-testid': 'notifications-list' }, ...(list ?? []).map(renderNotification)),
    );
  }

  return {
    element,
    update({ order }) {
      if (started || order.status !== 'completed') return;
      started = true;
      element.hidden = false;
      body.replaceChildren(h('p', {}, 'Loading notifications…'));
      void load(order.id, 0);
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}

function renderNotification(notification: Notification): HTMLElement {
  return h(
    'li',
    { class: 'notification', 'data-testid': `notification-${notification.id}` },
    h('span', { class: 'notification-subject' }, notification.subject),
    h(
      'span',
      { class: 'notification-meta' },
      `${notification.channel} to ${notification.to}, sent `,
      h('time', { datetime: notification.sentAt }, formatTime(notification.sentAt)),
    ),
  );
}

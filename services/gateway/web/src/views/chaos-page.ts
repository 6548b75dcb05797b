import { chaosStore } from '../chaos-store';
import { focusTarget, h, setChildren } from '../dom';
import { labelledField, type Feedback } from './chaos-field';
import { createFaultRulesPanel } from './fault-rules-panel';
import { createNextFaultPanel } from './next-fault-panel';

/** `/chaos`: break things on purpose. The admin token, global fault rules and a fault for my next order. */
export function mountChaosPage(root: HTMLElement): () => void {
  const status = h('p', { class: 'chaos-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'chaos-status' });
  const errors = h('div', { class: 'error-summary', 'data-testid': 'chaos-errors', tabindex: -1, 'aria-live': 'assertive', hidden: true });

  const feedback: Feedback = {
    token: () => chaosStore.token(),
    announce(message) {
      status.textContent = message;
    },
    showErrors(title, items, focus = false) {
      setChildren(
        errors,
        h('h2', { class: 'error-summary-title' }, title),
        items.length > 0
          ? h(
              'ul',
              {},
              ...items.map((item) =>
                h(
                  'li',
                  {},
                  item.targetId
                    ? h('a', { href: `#${item.targetId}`, onclick: (event) => focusTarget(event, item.targetId!) }, item.text)
                    : item.text,
                ),
              ),
            )
          : null,
      );
      errors.hidden = false;
      if (focus) errors.focus();
    },
    clearErrors() {
      errors.hidden = true;
      errors.replaceChildren();
    },
  };

  const tokenInput = h('input', { id: 'chaos-token', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const tokenField = labelledField(
    tokenInput,
    'Admin token',
    'Kept in this browser tab only (sessionStorage). The stack writes it to .hoptrace/admin-token.',
  );
  const tokenState = h('p', { class: 'chaos-token-state', 'data-testid': 'chaos-token-state' });
  const forget = h(
    'button',
    {
      type: 'button',
      class: 'button',
      'data-testid': 'chaos-token-forget',
      onclick: () => {
        chaosStore.setToken(null);
        feedback.clearErrors();
        feedback.announce('Admin token forgotten.');
      },
    },
    'Forget token',
  );

  const rules = createFaultRulesPanel(feedback);
  const nextFault = createNextFaultPanel(feedback);

  root.append(
    h('h1', { tabindex: -1 }, 'Chaos'),
    h('p', {}, 'Break the shop on purpose, then follow what happened in the order page and its trace.'),
    status,
    errors,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'chaos-token-heading' },
      h('h2', { id: 'chaos-token-heading' }, 'Admin token'),
      tokenState,
      h(
        'form',
        {
          class: 'chaos-form',
          novalidate: true,
          'aria-labelledby': 'chaos-token-heading',
          onsubmit: (event) => {
            event.preventDefault();
            saveToken();
          },
        },
        tokenField.element,
        h(
          'p',
          { class: 'chaos-actions' },
          h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'chaos-token-save' }, 'Save token'),
          forget,
        ),
      ),
    ),
    rules.element,
    nextFault.element,
  );

  function saveToken(): void {
    const token = tokenInput.value.trim();
    tokenField.setError(token ? undefined : 'Enter the admin token.');
    if (!token) {
      feedback.showErrors('The admin token is missing', [{ text: 'Admin token: Enter the admin token.', targetId: tokenInput.id }], true);
      return;
    }
    tokenInput.value = ''; // stored, not left on display in the page
    feedback.clearErrors();
    chaosStore.setToken(token);
    feedback.announce('Admin token saved.');
  }

  let lastToken = chaosStore.token();
  function update(): void {
    const token = chaosStore.token();
    tokenState.textContent = token ? 'Admin token: set.' : 'Admin token: not set.';
    tokenState.dataset['state'] = token ? 'set' : 'not-set';
    forget.hidden = !token;
    if (token !== lastToken) {
      lastToken = token;
      void rules.reload(true);
    }
    nextFault.update();
  }

  const unsubscribe = chaosStore.subscribe(update);
  update();
  void rules.reload(false);
  return unsubscribe;
}

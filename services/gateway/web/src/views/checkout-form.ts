import { focusTarget, h, setChildren } from '../dom';
import { formatCents } from '../lib/money';
import { orderPath } from '../lib/route';
import { CHECKOUT_FIELDS, validateField, type CheckoutField, type CheckoutInput, type FieldErrors } from '../lib/validation';

/**
 * The checkout form owns its inputs and error display; deciding what to submit and what an answer
 * means is the shop page's job. Values live only in the inputs: nothing here stores them.
 */

export interface SummaryItem {
  text: string;
  /** id of the element the message is about; the summary links to it. */
  targetId?: string;
}

export interface Summary {
  title: string;
  message?: string;
  detail?: string;
  orderId?: string;
  items: SummaryItem[];
}

export interface CheckoutForm {
  element: HTMLElement;
  setTotal(cents: number): void;
  setBusy(busy: boolean): void;
  /** Marks the inputs, fills the summary and moves focus to it. */
  showErrors(summary: Summary, fieldErrors: FieldErrors): void;
  clearErrors(): void;
}

interface FieldSpec {
  id: string;
  label: string;
  attrs: Record<string, string>;
  hint?: string;
}

const FIELDS: Record<CheckoutField, FieldSpec> = {
  email: {
    id: 'checkout-email',
    label: 'Email',
    attrs: { type: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false' },
    hint: 'We send the order confirmation here.',
  },
  cardNumber: {
    id: 'checkout-card-number',
    label: 'Card number',
    attrs: { type: 'text', autocomplete: 'cc-number', inputmode: 'numeric', maxlength: '23', placeholder: '4242 4242 4242 4242' },
    hint: 'Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined. Any future expiry and any CVC.',
  },
  expiry: {
    id: 'checkout-expiry',
    label: 'Expiry (MM/YY)',
    attrs: { type: 'text', autocomplete: 'cc-exp', inputmode: 'numeric', maxlength: '7', placeholder: 'MM/YY' },
  },
  cvc: { id: 'checkout-cvc', label: 'CVC', attrs: { type: 'text', autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: '4' } },
};

export function createCheckoutForm(onSubmit: (input: CheckoutInput) => void): CheckoutForm {
  const inputs = {} as Record<CheckoutField, HTMLInputElement>;
  const errors = {} as Record<CheckoutField, HTMLElement>;

  const field = (name: CheckoutField) => {
    const spec = FIELDS[name];
    const hintId = `${spec.id}-hint`;
    const errorId = `${spec.id}-error`;
    errors[name] = h('p', { id: errorId, class: 'field-error', 'data-testid': errorId, hidden: true });
    inputs[name] = h('input', {
      ...spec.attrs,
      id: spec.id,
      name,
      class: 'input',
      'data-testid': spec.id,
      'aria-describedby': [spec.hint ? hintId : '', errorId].filter(Boolean).join(' '),
      // Re-check on leaving a field that is marked wrong, so fixed errors disappear without a submit.
      onblur: () => {
        if (!errors[name].hidden) setFieldError(name, validateField(name, values(), new Date()));
      },
    });
    return h(
      'div',
      { class: `field field-${name}` },
      h('label', { for: spec.id, class: 'label' }, spec.label),
      spec.hint ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null,
      errors[name],
      inputs[name],
    );
  };

  const summary = h('div', {
    class: 'error-summary',
    'data-testid': 'checkout-errors',
    tabindex: -1,
    'aria-live': 'assertive',
    hidden: true,
  });
  const total = h('span', { 'data-testid': 'checkout-total' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'checkout-submit' }, 'Place order ', total);

  const element = h(
    'form',
    {
      class: 'checkout',
      novalidate: true,
      'aria-labelledby': 'checkout-heading',
      'data-testid': 'checkout-form',
      onsubmit: (event) => {
        event.preventDefault();
        if (!submit.disabled) onSubmit(values());
      },
    },
    h('h2', { id: 'checkout-heading' }, 'Checkout'),
    summary,
    field('email'),
    h(
      'fieldset',
      { class: 'payment' },
      h('legend', {}, 'Payment'),
      field('cardNumber'),
      h('div', { class: 'field-row' }, field('expiry'), field('cvc')),
    ),
    submit,
  );

  function values(): CheckoutInput {
    return { email: inputs.email.value, cardNumber: inputs.cardNumber.value, expiry: inputs.expiry.value, cvc: inputs.cvc.value };
  }

  function setFieldError(name: CheckoutField, message: string | undefined): void {
    errors[name].textContent = message ?? '';
    errors[name].hidden = !message;
    if (message) inputs[name].setAttribute('aria-invalid', 'true');
    else inputs[name].removeAttribute('aria-invalid');
  }

  function renderSummary(content: Summary): void {
    setChildren(
      summary,
      h('h3', { class: 'error-summary-title' }, content.title),
      content.message ? h('p', { 'data-testid': 'checkout-error-message' }, content.message) : null,
      content.items.length > 0
        ? h(
            'ul',
            {},
            ...content.items.map((item) =>
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
      content.orderId
        ? h('p', {}, h('a', { href: orderPath(content.orderId), 'data-testid': 'checkout-order-link' }, 'See what happened to this order'))
        : null,
      content.detail ? h('p', { class: 'error-detail' }, `Details: ${content.detail}`) : null,
    );
    summary.hidden = false;
  }

  return {
    element,
    setTotal(cents) {
      total.textContent = `· ${formatCents(cents)}`;
    },
    setBusy(busy) {
      submit.disabled = busy;
      element.setAttribute('aria-busy', String(busy));
      submit.firstChild!.textContent = busy ? 'Placing order… ' : 'Place order ';
    },
    showErrors(content, fieldErrors) {
      for (const name of CHECKOUT_FIELDS) setFieldError(name, fieldErrors[name]);
      const fieldItems = CHECKOUT_FIELDS.flatMap((name) => {
        const message = fieldErrors[name];
        return message ? [{ text: `${FIELDS[name].label}: ${message}`, targetId: FIELDS[name].id }] : [];
      });
      renderSummary({ ...content, items: [...content.items, ...fieldItems] });
      summary.focus();
    },
    clearErrors() {
      for (const name of CHECKOUT_FIELDS) setFieldError(name, undefined);
      summary.hidden = true;
      summary.replaceChildren();
    },
  };
}

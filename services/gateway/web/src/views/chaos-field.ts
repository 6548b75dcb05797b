import { h, type Child } from '../dom';

/** A labelled input or select with its hint and its own error line, as the checkout form lays them out. */

export interface Field {
  element: HTMLElement;
  setError(message: string | undefined): void;
}

export type Control = HTMLInputElement | HTMLSelectElement;

/** The control's id doubles as its data-testid; its error line is `<id>-error`. */
export function labelledField(control: Control, label: string, hint?: Child): Field {
  const { id } = control;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const error = h('p', { id: errorId, class: 'field-error', 'data-testid': errorId, hidden: true });
  control.classList.add('input');
  control.dataset['testid'] = id;
  control.setAttribute('aria-describedby', [hint ? hintId : '', errorId].filter(Boolean).join(' '));
  return {
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id, class: 'label' }, label),
      hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
      error,
      control,
    ),
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

export function selectOf(id: string, options: readonly (readonly [value: string, label: string])[]): HTMLSelectElement {
  return h('select', { id, name: id }, ...options.map(([value, label]) => h('option', { value }, label)));
}

export const named = (values: readonly string[]) => values.map((value) => [value, value] as const);

/** What the chaos page's panels report through: one status line, one error summary. */
export interface Feedback {
  token(): string | null;
  announce(message: string): void;
  /** Fills the error summary; focus moves there when the user's own action failed. */
  showErrors(title: string, items: readonly { text: string; targetId?: string }[], focus?: boolean): void;
  clearErrors(): void;
}

import { api } from '../api';
import { h, setChildren } from '../dom';
import {
  describeAdminFailure,
  FAULT_KINDS,
  formatRule,
  KIND_EFFECTS,
  mapRuleFieldErrors,
  MAX_LATENCY_MS,
  RULE_FIELDS,
  SERVICE_NAMES,
  toRuleInputs,
  validateRuleForm,
  type RuleField,
  type RuleFieldErrors,
} from '../lib/fault-rules';
import type { ErrorBody, FaultRule } from '@hoptrace/contracts';
import { labelledField, named, selectOf, type Feedback, type Field } from './chaos-field';

/**
 * Global fault rules: the list, the add form and clear-all. The API replaces the whole set, so every
 * change reads the current set first: rules someone else added meanwhile are kept.
 */
export function createFaultRulesPanel(feedback: Feedback): { element: HTMLElement; reload(userAction: boolean): Promise<void> } {
  let rules: FaultRule[] | null = null;
  const heading = h('h2', { id: 'chaos-rules-heading', tabindex: -1 }, 'Global fault rules');
  const list = h('ul', { class: 'chaos-rules', 'data-testid': 'chaos-rules', 'aria-labelledby': 'chaos-rules-heading' });
  const listNote = h('p', { class: 'hint', 'data-testid': 'chaos-rules-note' });

  const controls: Record<RuleField, HTMLInputElement | HTMLSelectElement> = {
    service: selectOf('chaos-add-service', named(SERVICE_NAMES)),
    kind: selectOf('chaos-add-kind', named(FAULT_KINDS)),
    param: h('input', { id: 'chaos-add-param', type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: '300' }),
    rate: h('input', { id: 'chaos-add-rate', type: 'text', inputmode: 'decimal', autocomplete: 'off', value: '1' }),
    route: h('input', {
      id: 'chaos-add-route',
      type: 'text',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: '/hoptrace.payments.v1.Payments/Charge',
    }),
  };
  const fields: Record<RuleField, Field> = {
    service: labelledField(controls.service, 'Service'),
    kind: labelledField(controls.kind, 'Kind'),
    param: labelledField(controls.param, 'Delay (ms)', `Latency only, and needed there: 0 to ${MAX_LATENCY_MS}.`),
    rate: labelledField(controls.rate, 'Rate', 'Share of requests, 0 to 1: 1 is every request.'),
    route: labelledField(
      controls.route,
      'Route prefix (optional)',
      'A path like /orders, a gRPC method like /hoptrace.payments.v1.Payments/Charge, or a Kafka topic like orders.placed.',
    ),
  };
  const labels: Record<RuleField, string> = { service: 'Service', kind: 'Kind', param: 'Delay', rate: 'Rate', route: 'Route prefix' };
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'chaos-add-submit' }, 'Add rule');
  const clear = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'chaos-clear', onclick: () => void clearAll() },
    'Clear all rules',
  );

  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'chaos-rules-heading' },
    heading,
    h('p', {}, 'The gateway applies these to matching requests from everyone using this stack: clear them when you are done.'),
    list,
    listNote,
    h(
      'p',
      { class: 'chaos-actions' },
      clear,
      h('button', { type: 'button', class: 'button', onclick: () => void reload(true) }, 'Refresh'),
    ),
    h(
      'form',
      {
        class: 'chaos-form',
        novalidate: true,
        'aria-labelledby': 'chaos-add-heading',
        onsubmit: (event) => {
          event.preventDefault();
          void add();
        },
      },
      h('h3', { id: 'chaos-add-heading' }, 'Add a rule'),
      h('div', { class: 'chaos-fields' }, ...RULE_FIELDS.map((name) => fields[name].element)),
      submit,
    ),
    h('h3', { class: 'chaos-kinds-heading' }, 'What each kind does'),
    h('dl', { class: 'chaos-kinds' }, ...FAULT_KINDS.flatMap((kind) => [h('dt', {}, kind), h('dd', {}, KIND_EFFECTS[kind])])),
  );

  function render(): void {
    setChildren(
      list,
      ...(rules ?? []).map((rule) => {
        const text = formatRule(rule);
        return h(
          'li',
          { class: 'chaos-rule', 'data-testid': `chaos-rule-${rule.id}` },
          h('span', {}, text),
          h(
            'button',
            {
              type: 'button',
              class: 'button button-small',
              'data-testid': `chaos-rule-remove-${rule.id}`,
              'aria-label': `Remove rule ${text}`,
              onclick: () => void remove(rule.id),
            },
            'Remove',
          ),
        );
      }),
    );
    listNote.textContent = !feedback.token()
      ? 'Save the admin token to see and change the rules.'
      : rules === null
        ? 'The rules are not loaded.'
        : rules.length === 0
          ? 'No global fault rules: the shop runs normally.'
          : '';
    listNote.hidden = listNote.textContent === '';
  }

  function setFieldErrors(errors: RuleFieldErrors): void {
    for (const name of RULE_FIELDS) fields[name].setError(errors[name]);
  }

  const fieldItems = (errors: RuleFieldErrors) =>
    RULE_FIELDS.flatMap((name) => (errors[name] ? [{ text: `${labels[name]}: ${errors[name]}`, targetId: controls[name].id }] : []));

  function failed(status: number, error: ErrorBody | null, userAction: boolean): void {
    feedback.showErrors(describeAdminFailure(status, error), [], userAction);
  }

  /** The token, or null after saying it is missing. */
  function requireToken(): string | null {
    const token = feedback.token();
    if (!token) feedback.showErrors('Save the admin token first: the rules API needs it.', [], true);
    return token;
  }

  async function reload(userAction: boolean): Promise<void> {
    const token = feedback.token();
    if (!token) {
      rules = null;
      render();
      return;
    }
    const result = await api.faultRules(token);
    if (result.ok && Array.isArray(result.data?.rules)) {
      rules = result.data.rules;
      if (userAction) feedback.announce(`Rules loaded: ${rules.length}.`);
    } else {
      rules = null;
      failed(result.status, result.ok ? null : result.error, userAction);
    }
    render();
  }

  /** Reads the current set, replaces it with `change(current)` and shows the outcome. */
  async function update(change: (current: FaultRule[]) => FaultRule[] | null, done: string): Promise<ErrorBody | null | 'ok'> {
    const token = requireToken();
    if (!token) return null;
    const current = await api.faultRules(token);
    if (!current.ok) {
      failed(current.status, current.error, true);
      return current.error;
    }
    const next = change(current.data.rules);
    if (next === null) {
      rules = current.data.rules;
      render();
      return 'ok';
    }
    const result = await api.replaceFaultRules(token, toRuleInputs(next));
    if (!result.ok) {
      failed(result.status, result.error, true);
      return result.error;
    }
    rules = result.data.rules;
    render();
    feedback.clearErrors();
    feedback.announce(done);
    return 'ok';
  }

  async function add(): Promise<void> {
    const form = {
      service: controls.service.value,
      kind: controls.kind.value,
      param: controls.param.value,
      rate: controls.rate.value,
      route: controls.route.value,
    };
    const checked = validateRuleForm(form);
    setFieldErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) {
      feedback.showErrors('The rule needs fixing', fieldItems(checked.errors), true);
      return;
    }
    submit.disabled = true;
    let addedIndex = 0;
    const outcome = await update(
      (current) => {
        addedIndex = current.length;
        return [...current, { id: '', ...checked.rule }];
      },
      `Rule added: ${formatRule(checked.rule)}.`,
    );
    submit.disabled = false;
    if (outcome === 'ok' || outcome === null) return;
    const mapped = mapRuleFieldErrors(outcome.error.fields, addedIndex);
    setFieldErrors(mapped.inputs);
    if (Object.keys(mapped.inputs).length > 0 || mapped.general.length > 0) {
      feedback.showErrors(
        describeAdminFailure(422, outcome),
        [...mapped.general.map((text) => ({ text })), ...fieldItems(mapped.inputs)],
        true,
      );
    }
  }

  async function remove(id: string): Promise<void> {
    let gone = false;
    await update((current) => {
      gone = !current.some((rule) => rule.id === id);
      return gone ? null : current.filter((rule) => rule.id !== id);
    }, 'Rule removed.');
    if (gone) feedback.announce('That rule was already gone; the list is refreshed.');
    heading.focus(); // its button is gone: keep keyboard focus in this panel
  }

  async function clearAll(): Promise<void> {
    const token = requireToken();
    if (!token) return;
    const result = await api.clearFaultRules(token);
    if (!result.ok) return failed(result.status, result.error, true);
    rules = [];
    render();
    feedback.clearErrors();
    feedback.announce('All global fault rules are cleared.');
  }

  render();
  return { element, reload };
}

import { chaosStore } from '../chaos-store';
import { h, setChildren } from '../dom';
import { FAULT_KINDS, MAX_LATENCY_MS, SERVICE_NAMES } from '../lib/fault-rules';
import { describeFault, validateNextFault, type NextFaultForm } from '../lib/next-fault';
import { labelledField, named, selectOf, type Feedback } from './chaos-field';

type NextField = keyof NextFaultForm;
const NEXT_FIELDS: readonly NextField[] = ['service', 'kind', 'param'];

/**
 * A fault for my next order only: kept in sessionStorage until the checkout sends it, as
 * `baggage: hoptrace.fault.<service>=<kind>[:<ms>]` with the admin token, on that one request.
 */
export function createNextFaultPanel(feedback: Feedback): { element: HTMLElement; update(): void } {
  const controls = {
    service: selectOf('chaos-next-service', [['', 'None'], ...named(SERVICE_NAMES)]),
    kind: selectOf('chaos-next-kind', named(FAULT_KINDS)),
    param: h('input', { id: 'chaos-next-param', type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: '300' }),
  };
  const fields = {
    service: labelledField(controls.service, 'Service'),
    kind: labelledField(controls.kind, 'Kind'),
    param: labelledField(controls.param, 'Delay (ms)', `Latency only, and needed there: 0 to ${MAX_LATENCY_MS}.`),
  };
  const state = h('p', { class: 'chaos-next-state', 'data-testid': 'chaos-next-state' });

  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'chaos-next-heading' },
    h('h2', { id: 'chaos-next-heading' }, 'Fault for my next order'),
    h(
      'p',
      {},
      'Only your next order carries it, with the admin token; the checkout then resets it to none. ',
      'Other shoppers are not affected.',
    ),
    state,
    h(
      'form',
      {
        class: 'chaos-form',
        novalidate: true,
        'aria-labelledby': 'chaos-next-heading',
        onsubmit: (event) => {
          event.preventDefault();
          arm();
        },
      },
      h('div', { class: 'chaos-fields' }, ...NEXT_FIELDS.map((name) => fields[name].element)),
      h(
        'p',
        { class: 'chaos-actions' },
        h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'chaos-next-arm' }, 'Arm for my next order'),
        h('button', { type: 'button', class: 'button', 'data-testid': 'chaos-next-disarm', onclick: disarm }, 'Disarm'),
      ),
    ),
  );

  function arm(): void {
    const checked = validateNextFault({ service: controls.service.value, kind: controls.kind.value, param: controls.param.value });
    for (const name of NEXT_FIELDS) fields[name].setError(checked.ok ? undefined : checked.errors[name]);
    if (!checked.ok) {
      const items = NEXT_FIELDS.flatMap((name) => {
        const message = checked.errors[name];
        return message ? [{ text: message, targetId: controls[name].id }] : [];
      });
      feedback.showErrors('The fault for the next order needs fixing', items, true);
      return;
    }
    if (checked.fault && !feedback.token()) {
      feedback.showErrors('Save the admin token first: without it the gateway ignores the fault.', [], true);
      return;
    }
    feedback.clearErrors();
    chaosStore.setNextFault(checked.fault);
    feedback.announce(checked.fault ? `Armed: your next order carries ${describeFault(checked.fault)}.` : 'No fault for the next order.');
  }

  function disarm(): void {
    chaosStore.setNextFault(null);
    feedback.announce('No fault for the next order.');
  }

  function update(): void {
    const fault = chaosStore.nextFault();
    if (!fault) {
      state.textContent = 'Armed: none. Your next order runs normally.';
      return;
    }
    setChildren(
      state,
      'Armed: ',
      h('code', {}, describeFault(fault)),
      ' for your next order. ',
      h('a', { href: '/' }, 'Go to the shop'),
      '.',
    );
  }

  update();
  return { element, update };
}

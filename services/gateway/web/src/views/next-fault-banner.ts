import { chaosStore } from '../chaos-store';
import { h, setChildren } from '../dom';
import { describeFault } from '../lib/next-fault';
import { CHAOS_PATH } from '../lib/route';

/** The shop page's warning that the next order will carry an injected fault. */
export function createNextFaultBanner(): { element: HTMLElement; update(): void } {
  const element = h('div', { class: 'chaos-banner', role: 'status', 'data-testid': 'chaos-next-banner', hidden: true });

  function update(): void {
    const fault = chaosStore.nextFault();
    element.hidden = !fault;
    if (!fault) {
      element.replaceChildren();
      return;
    }
    setChildren(
      element,
      h(
        'p',
        {},
        h('strong', {}, 'Chaos armed: '),
        'your next order carries the fault ',
        h('code', {}, describeFault(fault)),
        '. It applies to one order, then resets.',
      ),
      chaosStore.token() ? null : h('p', {}, 'No admin token is saved, so the gateway will ignore it.'),
      h(
        'p',
        { class: 'chaos-banner-actions' },
        h('a', { href: CHAOS_PATH }, 'Change it on the Chaos page'),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-small',
            'data-testid': 'chaos-next-banner-disarm',
            onclick: () => chaosStore.setNextFault(null),
          },
          'Disarm',
        ),
      ),
    );
  }

  update();
  return { element, update };
}

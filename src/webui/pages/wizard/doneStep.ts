// The wizard's last step: whether the box is set up, and if not, what is still open (each with a
// link to its step); then the function test as the next step, which this firmware does not have
// yet, said plainly, with the page where it will be.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import { stepStates, type SetupFacts } from '../../wizard/steps.ts';
import { html } from '../html.ts';
import { stepPath } from './wizardFrame.ts';

export function DoneStep({ language, facts }: { language: Language; facts: SetupFacts }): VNode {
  const m = messagesFor(language).wizard;
  const open = stepStates(facts).filter((s) => s.step !== 'done' && s.missing.length > 0);
  return html`${open.length === 0
      ? html`<p class="success" data-field="setup-complete">${m.done.complete}</p>`
      : html`<p class="error">${m.done.incomplete}</p>
          <ul>
            ${open.map((s) => html`<li><a href=${stepPath(s.step)}>${m.steps[s.step]}</a>: ${s.missing.map((what) => m.missing[what]).join(' ')}</li>`)}
          </ul>`}
    <h3>${m.done.functionTest}</h3>
    <p data-field="function-test">${m.done.functionTestNotYet}</p>
    <p><a href="/overview">${m.done.toOverview}</a></p>`;
}

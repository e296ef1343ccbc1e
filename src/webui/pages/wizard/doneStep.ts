// The wizard's last step: whether the box is set up, and if not, what is still open (each with a
// link to its step); then the function test, run from here with its result shown as on its own
// page (CheckSection), which returns here while it runs.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { CheckState } from '../../routes/check.ts';
import { stepStates, type SetupFacts } from '../../wizard/steps.ts';
import { CheckSection } from '../checkPage.ts';
import { html } from '../html.ts';
import { stepPath } from './wizardFrame.ts';

export function DoneStep({ language, csrf, facts, check }: { language: Language; csrf: string; facts: SetupFacts; check: CheckState }): VNode {
  const m = messagesFor(language).wizard;
  const open = stepStates(facts).filter((s) => s.step !== 'done' && s.missing.length > 0);
  return html`${open.length === 0
      ? html`<p class="success" data-field="setup-complete">${m.done.complete}</p>`
      : html`<p class="error">${m.done.incomplete}</p>
          <ul>
            ${open.map((s) => html`<li><a href=${stepPath(s.step)}>${m.steps[s.step]}</a>: ${s.missing.map((what) => m.missing[what]).join(' ')}</li>`)}
          </ul>`}
    <h3>${m.done.functionTest}</h3>
    ${CheckSection({ language, csrf, ...check, returnTo: '/wizard/done' })}
    <p><a href="/overview">${m.done.toOverview}</a></p>`;
}

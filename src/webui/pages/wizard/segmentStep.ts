// The wizard's TI-segment step: the segment from the profile, its two halves with the box's
// address in each, and the address-plan check: every collision with its fix, or that there is none.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { ProfileView } from '../../status/profileView.ts';
import type { AddressPlanView } from '../../wizard/views.ts';
import { html } from '../html.ts';
import { FindingList } from './findingList.ts';

export function SegmentStep({ language, profile, plan }: { language: Language; profile: ProfileView | null; plan: AddressPlanView }): VNode {
  const m = messagesFor(language).wizard.segment;
  if (!profile) return html`<p>${m.explain}</p><p>${m.noProfile}</p>`;
  const halves = plan.halves;
  return html`<p>${m.explain}</p>
    <dl class="facts">
      <dt>${m.segment}</dt>
      <dd><code>${profile.tiSegment}</code></dd>
      ${halves
        ? html`<dt>${m.lanHalf}</dt>
            <dd><code>${halves.lanHalf}</code></dd>
            <dt>${m.lanGateway}</dt>
            <dd><code>${halves.lanGateway}</code></dd>
            <dt>${m.terminalHalf}</dt>
            <dd><code>${halves.terminalHalf}</code></dd>
            <dt>${m.terminalGateway}</dt>
            <dd><code>${halves.terminalGateway}</code></dd>`
        : null}
    </dl>
    ${plan.findings.length === 0 ? html`<p class="success" data-field="plan">${m.clean}</p>` : html`<div data-field="plan">${FindingList(language, plan.findings)}</div>`}`;
}

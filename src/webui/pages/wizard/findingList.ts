// The address plan's collisions in the page's language, each with its fix: those that refuse
// first, then those where the TI works and something around it does not.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { PlanFindingView } from '../../wizard/views.ts';
import { html } from '../html.ts';

export function FindingList(language: Language, findings: readonly PlanFindingView[]): VNode | null {
  const m = messagesFor(language).wizard.segment;
  const group = (severity: PlanFindingView['severity'], title: string) => {
    const these = findings.filter((f) => f.severity === severity);
    return these.length === 0
      ? null
      : html`<h3>${title}</h3>
          <ul class="warnings">
            ${these.map((f) => html`<li class=${`warning ${severity === 'refuse' ? 'critical' : 'warning'}`} data-finding=${f.code}>${m.findings[f.code](f.params)}</li>`)}
          </ul>`;
  };
  if (findings.length === 0) return null;
  return html`${group('refuse', m.refusals)}${group('warn', m.warnings)}`;
}

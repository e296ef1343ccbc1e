// The wizard's password step: the label's password is replaced at the first login (the password
// page allows nothing else before), so here it is done; the password page stays a link away.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import { html } from '../html.ts';

export function PasswordStep({ language }: { language: Language }): VNode {
  const m = messagesFor(language).wizard.password;
  return html`<p class="success">${m.done}</p>
    <p><a href="/password">${m.again}</a></p>`;
}

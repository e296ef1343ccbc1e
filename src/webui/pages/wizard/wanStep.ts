// The wizard's WAN step: how the box gets its internet address (DHCP or fixed values), what the
// box sees on its WAN port (the warnings, among them a WAN port plugged into the practice LAN),
// and a change awaiting confirmation with the buttons that keep it or return to the previous one.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../../i18n/index.ts';
import type { OverviewStatus } from '../../status/agentView.ts';
import type { PendingView, WizardConfigView } from '../../wizard/views.ts';
import { html } from '../html.ts';
import { textOf, type FieldTexts } from './fieldTexts.ts';

/** What the form shows: the config's values, or what was typed when it was refused. */
export interface WanValues {
  mode: 'dhcp' | 'static';
  address: string;
  gateway: string;
  resolvers: string;
}

export interface WanStepProps {
  language: Language;
  csrf: string;
  values: WanValues;
  pending: PendingView | null;
  /** The health warnings about the WAN port. */
  warnings: OverviewStatus['health'];
  texts: FieldTexts;
  /** The fields the agent refused (config paths). */
  refused: readonly string[];
}

export function wanValues(config: WizardConfigView): WanValues {
  return { mode: config.wan.mode, address: config.wan.address, gateway: config.wan.gateway, resolvers: config.wan.resolvers.join(', ') };
}

export function WanStep({ language, csrf, values, pending, warnings, texts, refused }: WanStepProps): VNode {
  const all = messagesFor(language);
  const m = all.wizard.wan;
  const field = (name: 'address' | 'gateway' | 'resolvers', hint?: string) => {
    const { label, help } = textOf(texts, `wan.${name}`, language);
    const bad = refused.includes(`wan.${name}`);
    return html`<label for=${`wan-${name}`}>${label}</label>
      <input id=${`wan-${name}`} name=${name} value=${values[name]} maxlength="64" aria-invalid=${bad ? 'true' : undefined} aria-describedby=${`wan-${name}-help`} />
      <small id=${`wan-${name}-help`}>${hint ?? help}</small>`;
  };
  const mode = textOf(texts, 'wan.mode', language);
  return html`<p>${m.explain}</p>
    ${pending
      ? html`<div class="notice" role="status" data-field="pending">
          <p>${m.pending(formatTime(language, pending.deadline), pending.remainingS)}</p>
          <div class="actions">
            <form method="post" action="/wizard/wan/confirm">
              <input type="hidden" name="_csrf" value=${csrf} />
              <input type="hidden" name="revision" value=${String(pending.revision)} />
              <button type="submit">${m.confirm}</button>
            </form>
            <form method="post" action="/wizard/wan/rollback">
              <input type="hidden" name="_csrf" value=${csrf} />
              <button type="submit">${m.rollback}</button>
            </form>
          </div>
        </div>`
      : null}
    <h3>${m.warnings}</h3>
    ${warnings.length === 0
      ? html`<p class="success">${m.working}</p>`
      : html`<ul class="warnings">
          ${warnings.map((w) => html`<li class=${`warning ${w.severity}`} data-warning=${w.code}>${w.text[language]}</li>`)}
        </ul>`}
    ${refused.length > 0
      ? html`<ul class="error" role="alert">
          ${refused.map((path) => {
            const { label, help } = textOf(texts, path, language);
            return html`<li>${all.wizard.fieldRefused(label)} ${help}</li>`;
          })}
        </ul>`
      : null}
    <form method="post" action="/wizard/wan" class="stacked">
      <input type="hidden" name="_csrf" value=${csrf} />
      <fieldset>
        <legend>${mode.label}</legend>
        <label><input type="radio" name="mode" value="dhcp" checked=${values.mode === 'dhcp'} /> ${m.dhcp}</label>
        <label><input type="radio" name="mode" value="static" checked=${values.mode === 'static'} /> ${m.static}</label>
      </fieldset>
      ${field('address')} ${field('gateway')} ${field('resolvers', `${textOf(texts, 'wan.resolvers', language).help} ${m.resolversHint}`)}
      <button type="submit">${m.submit}</button>
    </form>`;
}

// The wizard's WAN step: how the box gets its internet address (DHCP or fixed values), what the
// box sees on its WAN port (the warnings, among them a WAN port plugged into the practice LAN),
// and a change awaiting confirmation with the buttons that keep it or return to the previous one.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../../i18n/index.ts';
import type { OverviewStatus } from '../../status/agentView.ts';
import type { PendingView, WizardConfigView } from '../../wizard/views.ts';
import { html } from '../html.ts';
import { PendingActions } from '../pendingActions.ts';
import { WanFields } from '../wanFields.ts';
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
  const text = (name: 'address' | 'gateway' | 'resolvers') => {
    const { label, help } = textOf(texts, `wan.${name}`, language);
    return { label, hint: help };
  };
  return html`<p>${m.explain}</p>
    ${pending
      ? html`<div class="notice" role="status" data-field="pending">
          <p>${m.pending(formatTime(language, pending.deadline), pending.remainingS)}</p>
          ${PendingActions({ base: '/wizard/wan', csrf, revision: pending.revision, texts: m })}
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
      ${WanFields({
        names: { mode: 'mode', address: 'address', gateway: 'gateway', resolvers: 'resolvers' },
        values,
        texts: {
          mode: textOf(texts, 'wan.mode', language).label, dhcp: m.dhcp, static: m.static,
          address: text('address'),
          gateway: text('gateway'),
          resolvers: { ...text('resolvers'), hint: `${text('resolvers').hint} ${m.resolversHint}` },
        },
        refused,
      })}
      <button type="submit">${m.submit}</button>
    </form>`;
}

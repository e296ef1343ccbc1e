// The wizard's practice step: the practice and installer data for the installation protocol,
// labelled and explained by the agent's schema; the practice and installer names are needed.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import { PRACTICE_FIELDS, type PracticeField } from '../../wizard/views.ts';
import { html } from '../html.ts';
import { textOf, type FieldTexts } from './fieldTexts.ts';

/** The fields the wizard needs before the box counts as set up. */
export const NEEDED_PRACTICE_FIELDS: readonly PracticeField[] = ['name', 'installerName'];

export interface PracticeStepProps {
  language: Language;
  csrf: string;
  values: Readonly<Record<PracticeField, string>>;
  texts: FieldTexts;
  /** The fields the agent refused (config paths). */
  refused: readonly string[];
}

export function PracticeStep({ language, csrf, values, texts, refused }: PracticeStepProps): VNode {
  const all = messagesFor(language);
  const m = all.wizard.practice;
  return html`<p>${m.explain}</p>
    ${refused.length > 0
      ? html`<ul class="error" role="alert">
          ${refused.map((path) => {
            const { label, help } = textOf(texts, path, language);
            return html`<li>${all.wizard.fieldRefused(label)} ${help}</li>`;
          })}
        </ul>`
      : null}
    <form method="post" action="/wizard/practice" class="stacked">
      <input type="hidden" name="_csrf" value=${csrf} />
      ${PRACTICE_FIELDS.map((name) => {
        const { label, help } = textOf(texts, `practice.${name}`, language);
        const needed = NEEDED_PRACTICE_FIELDS.includes(name);
        return html`<label for=${`practice-${name}`}>${label}${needed ? ` (${m.required})` : ''}</label>
          <input
            id=${`practice-${name}`}
            name=${name}
            value=${values[name]}
            maxlength="100"
            required=${needed}
            aria-invalid=${refused.includes(`practice.${name}`) ? 'true' : undefined}
            aria-describedby=${`practice-${name}-help`}
          />
          <small id=${`practice-${name}-help`}>${help}</small>`;
      })}
      <button type="submit">${m.submit}</button>
    </form>`;
}

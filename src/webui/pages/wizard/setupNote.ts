// The overview's note while the box is not set up: the step it stands at, and the way back into
// the wizard, so a box left halfway never looks finished.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { WizardStep } from '../../wizard/steps.ts';
import { html } from '../html.ts';

export function SetupNote(language: Language, step: WizardStep): VNode {
  const m = messagesFor(language).wizard;
  return html`<p class="notice" data-field="setup-incomplete">${m.banner(m.steps[step])} <a href=${`/wizard/${step}`}>${m.continueSetup}</a></p>`;
}

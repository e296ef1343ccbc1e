// The frame of every wizard page: the step list (each step with whether it is complete, a link to
// it, the current one marked), where the user is, what the step still lacks, the step's own part
// and the way on. Every step can be left through the list and resumed later.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../../i18n/index.ts';
import { stepAfter, stepStates, WIZARD_STEPS, type SetupFacts, type WizardStep } from '../../wizard/steps.ts';
import { html } from '../html.ts';
import { Layout } from '../layout.ts';
import { OutcomeNote, type Outcome } from '../profilePage.ts';

export interface WizardFrameProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  step: WizardStep;
  facts: SetupFacts;
  outcome?: Outcome | undefined;
  /** Right after a login: the failed attempts since the previous one. */
  news?: { failedSince: number; previousLogin: string | null } | undefined;
  /** Seconds after which the page loads itself again (the last step while the function test runs). */
  refreshS?: number | undefined;
  children: VNode;
}

/** The path of a step's page. */
export function stepPath(step: WizardStep): string {
  return `/wizard/${step}`;
}

export function WizardFrame({ language, fingerprint, session, step, facts, outcome, news, refreshS, children }: WizardFrameProps): VNode {
  const all = messagesFor(language);
  const m = all.wizard;
  const states = stepStates(facts);
  const missing = states.find((s) => s.step === step)?.missing ?? [];
  const next = stepAfter(step);
  return Layout({
    language,
    title: `${m.steps[step]} · ${m.title}`,
    fingerprint,
    path: stepPath(step),
    session,
    ...(refreshS === undefined ? {} : { refreshS }),
    children: html`${news ? html`<p class=${news.failedSince > 0 ? 'notice' : 'checked'} role="status">${all.login.since(news.failedSince, news.previousLogin ? formatTime(language, news.previousLogin) : null)}</p>` : null}
      <h1>${m.title}</h1>
      <p class="checked">${m.intro}</p>
      <nav aria-label=${m.stepsLabel}>
        <ol class="wizard-steps">
          ${states.map(
            (s) => html`<li class=${s.missing.length === 0 ? 'complete' : 'incomplete'}>
              <a href=${stepPath(s.step)} aria-current=${s.step === step ? 'step' : undefined}>${m.steps[s.step]}</a>
              <span class="since"> (${s.missing.length === 0 ? m.complete : m.incomplete})</span>
            </li>`,
          )}
        </ol>
      </nav>
      <section aria-labelledby="step-title">
        <p class="checked">${m.position(WIZARD_STEPS.indexOf(step) + 1, WIZARD_STEPS.length)}</p>
        <h2 id="step-title">${m.steps[step]}</h2>
        ${OutcomeNote(outcome)}
        ${step !== 'done' && missing.length > 0 ? html`<ul class="notice missing">${missing.map((what) => html`<li>${m.missing[what]}</li>`)}</ul>` : null}
        ${children}
        ${step === 'done' ? null : html`<p><a href=${stepPath(next)} rel="next">${m.next}: ${m.steps[next]}</a></p>`}
      </section>`,
  });
}

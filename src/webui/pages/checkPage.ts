// The function test's page (/check): the button that runs it, "running" while it runs, and the
// last result as a table the practice's staff can read: each check's verdict as a word and a
// sign as well as a colour, its measured value, and on a warning or fault what to do. The
// wizard's last step shows the same part (CheckSection).
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../i18n/index.ts';
import type { CheckResultView, CheckVerdict, CheckWords } from '../status/checkView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';

/** While a run is under way the page loads itself again this often, with or without JavaScript. */
export const RUNNING_REFRESH_S = 2;

/** A sign per verdict, so that no verdict is told by its colour alone. */
const SIGNS: Record<CheckVerdict, string> = { pass: '✔', warn: '⚠', fail: '✘', skipped: '–' };

export interface CheckSectionProps {
  language: Language;
  csrf: string;
  /** The last result; null before the first run, undefined where the agent did not answer. */
  result: CheckResultView | null | undefined;
  running: boolean;
  /** The last run started here gave no result. */
  failed: boolean;
  /** Where the button's run returns to: this page or the wizard's last step. */
  returnTo: '/check' | '/wizard/done';
}

export function CheckSection({ language, csrf, result, running, failed, returnTo }: CheckSectionProps): VNode {
  const all = messagesFor(language);
  const m = all.check;
  return html`<div class="function-test">
    <p>${m.explain}</p>
    ${running
      ? html`<p class="running" role="status" data-field="check-running">${m.running}</p>`
      : html`<form method="post" action="/check">
          <input type="hidden" name="_csrf" value=${csrf} />
          <input type="hidden" name="return" value=${returnTo} />
          <button type="submit" data-action="run-check">${result ? m.again : m.start}</button>
        </form>`}
    ${failed && !running ? html`<p class="error" role="alert" data-field="check-failed">${m.notRun}</p>` : null}
    ${result === undefined ? html`<p class="error">${all.status.reasons.agentDown}</p>` : result === null ? html`<p data-field="check-none">${m.none}</p>` : Result(language, result)}
  </div>`;
}

function Result(language: Language, result: CheckResultView): VNode {
  const m = messagesFor(language).check;
  const words = (w: CheckWords | undefined) => (w ? w[language] : '');
  return html`<p class=${`verdict check-${result.verdict}`} data-field="check-verdict" data-verdict=${result.verdict}>
      <span class="sign" aria-hidden="true">${SIGNS[result.verdict]}</span> ${m.overall[result.verdict]}
    </p>
    <p data-field="check-when">${m.lastRun(formatTime(language, result.finishedAt), result.actor)}</p>
    <table class="checks">
      <thead>
        <tr><th scope="col">${m.columns.number}</th><th scope="col">${m.columns.check}</th><th scope="col">${m.columns.verdict}</th><th scope="col">${m.columns.value}</th><th scope="col">${m.columns.fix}</th></tr>
      </thead>
      <tbody>
        ${result.checks.map(
          (check) => html`<tr data-check=${check.id} data-verdict=${check.verdict}>
            <td>${check.number}</td>
            <th scope="row">${words(check.title)}</th>
            <td class=${`check-${check.verdict}`} data-field="verdict"><span class="sign" aria-hidden="true">${SIGNS[check.verdict]}</span> ${m.verdicts[check.verdict]}</td>
            <td data-field="value">${check.value}</td>
            <td>
              ${check.fix && check.verdict !== 'pass' ? html`<p data-field="fix">${words(check.fix)}</p>` : null}
              ${check.note ? html`<p data-field="note">${words(check.note)}</p>` : null}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

export interface CheckPageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  result: CheckResultView | null | undefined;
  running: boolean;
  failed: boolean;
}

export function CheckPage(props: CheckPageProps): VNode {
  const m = messagesFor(props.language).check;
  return Layout({
    language: props.language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/check',
    session: props.session,
    ...(props.running ? { refreshS: RUNNING_REFRESH_S } : {}),
    children: html`<h1>${m.title}</h1>
      ${CheckSection({ language: props.language, csrf: props.session.csrf, result: props.result, running: props.running, failed: props.failed, returnTo: '/check' })}`,
  });
}

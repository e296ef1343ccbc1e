// The password change: forced at the first login with the initial password, otherwise from the
// account menu. The old password, the new one twice; a refusal says why, with the new password's
// strength, and nothing changes.
import type { VNode } from 'preact';
import { messagesFor, type Language, type Messages } from '../i18n/index.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { LoginNews, type LoginNewsView } from './loginNews.ts';

/** `next`: after the forced change at the first login, the way on to the setup. */
export type PasswordOutcome = { kind: 'changed'; next?: string } | { kind: 'refused'; reason: keyof Messages['password']; score?: number };

/** `news`: what the login log said at this login, shown while the change is forced. */
export function PasswordPage(props: { language: Language; fingerprint: string; user: string; csrf: string; forced: boolean; news?: LoginNewsView; outcome?: PasswordOutcome }): VNode {
  const m = messagesFor(props.language).password;
  const { outcome } = props;
  const text = (key: keyof Messages['password']) => {
    const value = m[key];
    return typeof value === 'string' ? value : '';
  };
  return Layout({
    language: props.language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/password',
    session: { user: props.user, csrf: props.csrf },
    children: html`${props.forced ? LoginNews({ language: props.language, news: props.news }) : null}
      <h1>${m.title}</h1>
      ${props.forced ? html`<p class="notice">${m.forced}</p>` : null}
      ${outcome?.kind === 'changed' ? html`<p class="success" role="status">${m.changed}</p>` : null}
      ${outcome?.kind === 'changed' && outcome.next ? html`<p><a href=${outcome.next} rel="next">${messagesFor(props.language).wizard.password.continue}</a></p>` : null}
      ${outcome?.kind === 'refused'
        ? html`<p class="error" role="alert">${text(outcome.reason)}</p>
            ${outcome.score === undefined ? null : html`<p><meter min="0" max="4" value=${outcome.score} aria-label=${m.strength(outcome.score)}></meter> ${m.strength(outcome.score)}</p>`}`
        : null}
      <p>${m.rules}</p>
      <form method="post" action="/password" class="stacked">
        <input type="hidden" name="_csrf" value=${props.csrf} />
        <label for="oldPassword">${m.old}</label>
        <input id="oldPassword" name="oldPassword" type="password" autocomplete="current-password" required maxlength="128" />
        <label for="newPassword">${m.new}</label>
        <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" required minlength="12" maxlength="128" />
        <label for="repeatPassword">${m.repeat}</label>
        <input id="repeatPassword" name="repeatPassword" type="password" autocomplete="new-password" required minlength="12" maxlength="128" />
        <button type="submit">${m.submit}</button>
      </form>`,
  });
}

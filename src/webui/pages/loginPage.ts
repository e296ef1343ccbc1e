// The login form: user name and password, the CSRF token; the device certificate's fingerprint
// is in every page's footer, so the user can check it before typing the password.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../i18n/index.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';

export function LoginPage(props: { language: Language; fingerprint: string; csrf: string; failed: boolean; user: string }): VNode {
  const m = messagesFor(props.language).login;
  return Layout({
    language: props.language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/login',
    children: html`<h1>${m.title}</h1>
      ${props.failed ? html`<p class="error" role="alert">${m.failed}</p>` : null}
      <form method="post" action="/login" class="stacked">
        <input type="hidden" name="_csrf" value=${props.csrf} />
        <label for="user">${m.user}</label>
        <input id="user" name="user" autocomplete="username" required maxlength="32" value=${props.user} />
        <label for="password">${m.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128" autofocus />
        <button type="submit">${m.submit}</button>
      </form>`,
  });
}

// The frame of every page: language, title, our one stylesheet, the language switch (a form, so it
// works without JavaScript) and the device certificate's fingerprint for checking the connection.
import type { VNode } from 'preact';
import { LANGUAGES, messagesFor, type Language } from '../i18n/index.ts';
import { html } from './html.ts';

/** The pages behind the login, in the order of the navigation. */
const PAGES = [
  ['/overview', 'overview'],
  ['/profile', 'profile'],
  ['/devices', 'devices'],
  ['/network', 'network'],
  ['/system', 'system'],
  ['/check', 'check'],
] as const;

export interface LayoutProps {
  language: Language;
  title: string;
  /** The device certificate's SHA-256 fingerprint. */
  fingerprint: string;
  /** Where the language switch returns to: a path of this web UI. */
  path: string;
  /** The logged-in user and the session's CSRF token (for the logout form); absent before login. */
  session?: { user: string; csrf: string };
  /** Our own scripts this page loads (paths under /assets/); the page works without them. */
  scripts?: readonly string[];
  /** Seconds after which the page loads itself again: while something it shows is under way. */
  refreshS?: number;
  children: VNode | VNode[];
}

export function Layout({ language, title, fingerprint, path, session, scripts, refreshS, children }: LayoutProps): VNode {
  const m = messagesFor(language);
  const account = session
    ? html`<nav class="account">
        <span>${m.nav.loggedInAs(session.user)}</span>
        <a href="/password">${m.nav.changePassword}</a>
        <form method="post" action="/logout">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <button type="submit">${m.nav.logout}</button>
        </form>
      </nav>`
    : html`<nav class="account"><a href="/login">${m.nav.login}</a></nav>`;
  return html`<html lang=${language}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      ${refreshS === undefined ? null : html`<meta http-equiv="refresh" content=${String(refreshS)} />`}
      <title>${title} · ${m.product}</title>
      <link rel="stylesheet" href="/assets/style.css" />
      <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
      ${(scripts ?? []).map((src) => html`<script src=${src} defer></script>`)}
    </head>
    <body>
      <header>
        <a class="product" href="/">${m.product}</a>
        ${account}
        <form method="post" action="/language" class="language">
          <input type="hidden" name="return" value=${path} />
          <label for="language">${m.switchLanguage}</label>
          <select id="language" name="language">
            ${LANGUAGES.map((code) => html`<option value=${code} selected=${code === language}>${messagesFor(code).languageName}</option>`)}
          </select>
          <button type="submit">OK</button>
        </form>
      </header>
      ${session
        ? html`<nav class="pages" aria-label=${m.nav.main}>
            ${PAGES.map(([href, key]) => html`<a href=${href} aria-current=${path === href ? 'page' : undefined}>${m.nav[key]}</a>`)}
            <a href="/wizard" aria-current=${path.startsWith('/wizard/') ? 'page' : undefined}>${m.wizard.nav}</a>
          </nav>`
        : null}
      <main>${children}</main>
      <footer>
        <details>
          <summary>${m.certificate.title}</summary>
          <p>${m.certificate.explain}</p>
          <p><code class="fingerprint">${fingerprint}</code></p>
        </details>
      </footer>
    </body>
  </html>`;
}

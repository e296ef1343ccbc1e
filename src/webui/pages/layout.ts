// The frame of every page: language, title, our one stylesheet, the language switch (a form, so it
// works without JavaScript) and the device certificate's fingerprint for checking the connection.
import type { VNode } from 'preact';
import { LANGUAGES, messagesFor, type Language } from '../i18n/index.ts';
import { html } from './html.ts';

export interface LayoutProps {
  language: Language;
  title: string;
  /** The device certificate's SHA-256 fingerprint. */
  fingerprint: string;
  /** Where the language switch returns to: a path of this web UI. */
  path: string;
  children: VNode | VNode[];
}

export function Layout({ language, title, fingerprint, path, children }: LayoutProps): VNode {
  const m = messagesFor(language);
  return html`<html lang=${language}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · ${m.product}</title>
      <link rel="stylesheet" href="/assets/style.css" />
    </head>
    <body>
      <header>
        <span class="product">${m.product}</span>
        <form method="post" action="/language" class="language">
          <input type="hidden" name="return" value=${path} />
          <label for="language">${m.switchLanguage}</label>
          <select id="language" name="language">
            ${LANGUAGES.map((code) => html`<option value=${code} selected=${code === language}>${messagesFor(code).languageName}</option>`)}
          </select>
          <button type="submit">OK</button>
        </form>
      </header>
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

// A refusal or an error in the page's language, with a way back; never a stack trace.
import type { VNode } from 'preact';
import type { Language } from '../i18n/index.ts';
import { messagesFor } from '../i18n/index.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';

export function ErrorPage({ language, fingerprint, text }: { language: Language; fingerprint: string; text: string }): VNode {
  const m = messagesFor(language);
  return Layout({
    language,
    title: text,
    fingerprint,
    path: '/',
    children: html`<p class="error" role="alert">${text}</p>
      <p><a href="/">${m.errors.back}</a></p>`,
  });
}

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
    // The refusal is the page's heading, so a screen reader's list of headings starts with it.
    children: html`<div role="alert"><h1 class="error">${text}</h1></div>
      <p><a href="/">${m.errors.back}</a></p>`,
  });
}

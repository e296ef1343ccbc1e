// What the login log said at this login (BSI TR-03148: the user sees the failed logins since the
// last one): shown on the first page after the login, and on the password page while the label's
// password must be replaced first, so a first login learns of attempts before it too.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../i18n/index.ts';
import { html } from './html.ts';

export interface LoginNewsView {
  failedSince: number;
  previousLogin: string | null;
}

export function LoginNews({ language, news }: { language: Language; news: LoginNewsView | undefined }): VNode | null {
  if (!news) return null;
  const m = messagesFor(language).login;
  return html`<p class=${news.failedSince > 0 ? 'notice' : 'checked'} role="status">${m.since(news.failedSince, news.previousLogin ? formatTime(language, news.previousLogin) : null)}</p>`;
}

// The public status page: without login, the chain practice LAN → box → internet → datacenter →
// TI, each link's state, reason and since when, and which link the fault is at. It shows only
// what chainOf() returns.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../i18n/index.ts';
import type { ChainLink } from '../status/chain.ts';
import { ChainList } from './chainList.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { LoginNews, type LoginNewsView } from './loginNews.ts';

export interface StatusPageProps {
  language: Language;
  fingerprint: string;
  chain: readonly ChainLink[];
  /** ISO time the status was read. */
  at: string;
  session?: { user: string; csrf: string };
  /** Right after a login: the failed attempts since the previous one. */
  news?: LoginNewsView;
}

export function StatusPage({ language, fingerprint, chain, at, session, news }: StatusPageProps): VNode {
  const all = messagesFor(language);
  const m = all.status;
  return Layout({
    language,
    title: m.title,
    fingerprint,
    path: '/',
    ...(session ? { session } : {}),
    children: html`${LoginNews({ language, news })}
      <h1>${m.title}</h1>
      <p class="question">${m.question}</p>
      ${ChainList({ language, chain })}
      <p class="checked">${m.checkedAt(formatTime(language, at))}</p>`,
  });
}

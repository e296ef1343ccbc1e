// The VPN profile page: the imported profile's details and its certificate's expiry countdown,
// the import form (a file and its optional password; multipart, so it works without JavaScript),
// and the tunnel: its state, the support actions up, down and restart, and its history.
import type { VNode } from 'preact';
import { formatTime, messagesFor, wordFor, type Language } from '../i18n/index.ts';
import type { OverviewStatus } from '../status/agentView.ts';
import { daysUntil, type ProfileView } from '../status/profileView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';

/** What happened on the last request: shown at the top. */
export type Outcome = { kind: 'success' | 'error'; text: string };

export interface ProfilePageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  /** Null: none imported; undefined: the agent did not answer. */
  profile: ProfileView | null | undefined;
  tunnel: OverviewStatus['tunnel'] | undefined;
  maxKiB: number;
  now: Date;
  outcome?: Outcome;
}

export function ProfilePage(props: ProfilePageProps): VNode {
  const { language, profile, tunnel, session, outcome } = props;
  const all = messagesFor(language);
  const m = all.profile;
  const t = all.tunnel;
  return Layout({
    language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/profile',
    session,
    children: html`<h1>${m.title}</h1>
      ${OutcomeNote(outcome)}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${m.details}</h2>
        ${profile === undefined ? html`<p class="error">${all.status.reasons.agentDown}</p>` : profile === null ? html`<p>${m.none}</p>` : Details(language, profile, props.now)}
      </section>
      <section aria-labelledby="import-title">
        <h2 id="import-title">${profile ? m.replaceTitle : m.importTitle}</h2>
        <p>${m.importExplain(props.maxKiB)}</p>
        <form method="post" action="/profile" enctype="multipart/form-data" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="profile-file">${m.file}</label>
          <input id="profile-file" name="profile" type="file" required />
          <label for="profile-password">${m.password}</label>
          <input id="profile-password" name="password" type="password" autocomplete="off" maxlength="256" aria-describedby="profile-password-hint" />
          <small id="profile-password-hint">${m.passwordHint}</small>
          <button type="submit">${m.submit}</button>
        </form>
      </section>
      <section aria-labelledby="tunnel-title">
        <h2 id="tunnel-title">${t.title}</h2>
        ${tunnel
          ? html`<p>${t.state}: <strong data-field="tunnel-state">${all.tunnelStates[tunnel.state]}</strong> (${all.status.since(formatTime(language, tunnel.since))})</p>`
          : html`<p class="error">${all.status.reasons.agentDown}</p>`}
        <div class="actions">
          ${(['up', 'down', 'restart'] as const).map(
            (action) => html`<form method="post" action=${`/tunnel/${action}`}>
              <input type="hidden" name="_csrf" value=${session.csrf} />
              <button type="submit">${t[action]}</button>
            </form>`,
          )}
        </div>
        <p class="checked">${t.explain}</p>
        <h3>${t.history}</h3>
        ${!tunnel || tunnel.history.length === 0
          ? html`<p>${t.noHistory}</p>`
          : html`<table class="list">
              <thead>
                <tr><th scope="col">${t.columns.at}</th><th scope="col">${t.columns.state}</th><th scope="col">${t.columns.gateway}</th><th scope="col">${t.columns.reason}</th></tr>
              </thead>
              <tbody>
                ${tunnel.history.map(
                  (e) => html`<tr>
                    <td>${formatTime(language, e.at)}</td>
                    <td>${all.tunnelStates[e.state]}</td>
                    <td>${e.gateway ?? ''}</td>
                    <td>${e.reason ? (wordFor(all.failures, e.reason) ?? e.reason) : ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </section>`,
  });
}

export function OutcomeNote(outcome: Outcome | undefined): VNode | null {
  if (!outcome) return null;
  return outcome.kind === 'success' ? html`<p class="success" role="status">${outcome.text}</p>` : html`<p class="error" role="alert">${outcome.text}</p>`;
}

function Details(language: Language, profile: ProfileView, now: Date): VNode {
  const all = messagesFor(language);
  const m = all.profile;
  const days = daysUntil(profile.certificate.notAfter, now);
  const gateways = profile.gateways.kind === 'srv' ? m.srv(profile.gateways.srv) : profile.gateways.addresses.join(', ');
  return html`<dl class="facts">
    <dt>${m.boxId}</dt>
    <dd>${profile.boxId}</dd>
    <dt>${m.gateways}</dt>
    <dd>${gateways}</dd>
    <dt>${m.gatewayIds}</dt>
    <dd>${profile.gatewayIds.join(', ')}</dd>
    <dt>${m.tiSegment}</dt>
    <dd><code>${profile.tiSegment}</code></dd>
    <dt>${m.subject}</dt>
    <dd>${profile.certificate.subject}</dd>
    <dt>${m.validUntil}</dt>
    <dd data-field="expiry" class=${days < 0 ? 'error' : days < 30 ? 'notice' : ''}>${formatTime(language, profile.certificate.notAfter)} (${days < 0 ? m.expired(-days) : m.expiresIn(days)})</dd>
    <dt>${m.fingerprint}</dt>
    <dd><code class="fingerprint">${profile.certificate.fingerprint256}</code></dd>
  </dl>`;
}

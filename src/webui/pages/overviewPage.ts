// The overview after login: the chain with the fault's place, the tunnel (state, gateway in use,
// traffic, last error), the registered PVS hosts and terminals with whether they answer, and the
// health warnings. Its live part is rendered here for the page and again for each change the
// server sends it (/api/v1/events); our script (assets/script.ts) puts it in place, and without
// JavaScript the page shows the state at its loading.
import type { VNode } from 'preact';
import { formatBytes, formatTime, messagesFor, wordFor, type Language } from '../i18n/index.ts';
import type { Change } from '../status/changes.ts';
import type { Overview } from '../status/overview.ts';
import { ChainList } from './chainList.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { LoginNews, type LoginNewsView } from './loginNews.ts';
import { SetupNote } from './wizard/setupNote.ts';
import type { WizardStep } from '../wizard/steps.ts';

export interface OverviewPageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  overview: Overview;
  /** ISO time the overview was read. */
  at: string;
  /** Right after a login: the failed attempts since the previous one. */
  news?: LoginNewsView;
  /** The last changes, newest first; undefined when the agent did not answer. */
  changes: readonly Change[] | undefined;
  /** The first setup step not complete; absent once the box is set up. */
  setupStep?: WizardStep;
}

export function OverviewPage({ language, fingerprint, session, overview, at, news, changes, setupStep }: OverviewPageProps): VNode {
  const all = messagesFor(language);
  const m = all.overview;
  return Layout({
    language,
    title: m.title,
    fingerprint,
    path: '/overview',
    session,
    scripts: ['/assets/app.js'],
    children: html`${LoginNews({ language, news })}
      <h1>${m.title}</h1>
      ${setupStep ? SetupNote(language, setupStep) : null}
      <div id="live" data-events="/api/v1/events" aria-live="polite">${OverviewLive({ language, overview, at })}</div>
      <p class="checked">${m.live}</p>
      <section aria-labelledby="changes-title">
        <h2 id="changes-title">${m.changes}</h2>
        ${!changes
          ? html`<p class="error">${all.status.reasons.agentDown}</p>`
          : changes.length === 0
            ? html`<p>${m.noChanges}</p>`
            : html`<table class="list">
                <thead>
                  <tr><th scope="col">${m.changeColumns.at}</th><th scope="col">${m.changeColumns.who}</th><th scope="col">${m.changeColumns.what}</th></tr>
                </thead>
                <tbody>
                  ${changes.map((c) => html`<tr><td>${formatTime(language, c.at)}</td><td>${whoOf(language, c.actor)}</td><td>${whatOf(language, c)}</td></tr>`)}
                </tbody>
              </table>`}
      </section>`,
  });
}

function whoOf(language: Language, actor: string): string {
  const m = messagesFor(language).changes;
  if (actor === 'local-cli') return m.cli;
  return actor.startsWith('webui:') ? m.webui(actor.slice('webui:'.length)) : actor;
}

function whatOf(language: Language, change: Change): string {
  const m = messagesFor(language).changes;
  if (change.kind === 'device') return m.device[change.action](change.name);
  if (change.kind === 'config') return m.config(change.path);
  return wordFor(m.actions, change.action) ?? m.otherAction(change.action);
}

/** The part of the overview that changes; the same markup on the page and in each live update. */
export function OverviewLive({ language, overview, at }: { language: Language; overview: Overview; at: string }): VNode {
  const all = messagesFor(language);
  const m = all.overview;
  const { tunnel } = overview;
  return html`${ChainList({ language, chain: overview.chain })}
    <section aria-labelledby="tunnel-title">
      <h2 id="tunnel-title">${m.tunnel}</h2>
      ${tunnel
        ? html`<dl class="facts">
            <dt>${m.tunnelState}</dt>
            <dd data-field="tunnel-state">${all.tunnelStates[tunnel.state]} (${all.status.since(formatTime(language, tunnel.since))})</dd>
            <dt>${m.gateway}</dt>
            <dd data-field="gateway">${tunnel.gateway ?? m.noGateway}</dd>
            <dt>${m.traffic}</dt>
            <dd data-field="traffic">${m.trafficValue(formatBytes(language, tunnel.traffic.bytesIn), formatBytes(language, tunnel.traffic.bytesOut))}</dd>
            ${tunnel.lastError
              ? html`<dt>${m.lastError}</dt>
                  <dd data-field="last-error">${wordFor(all.failures, tunnel.lastError.reason) ?? tunnel.lastError.reason} (${formatTime(language, tunnel.lastError.at)})</dd>`
              : null}
          </dl>`
        : html`<p>${all.status.reasons.agentDown}</p>`}
    </section>
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">${m.devices}</h2>
      ${!overview.devices
        ? html`<p class="error">${all.status.reasons.agentDown}</p>`
        : overview.devices.length === 0
          ? html`<p>${m.noDevices} <a href="/devices">${m.registerHint}</a></p>`
          : html`<table class="list">
              <thead>
                <tr><th scope="col">${m.columns.name}</th><th scope="col">${m.columns.kind}</th><th scope="col">${m.columns.address}</th><th scope="col">${m.columns.reach}</th></tr>
              </thead>
              <tbody>
                ${overview.devices.map(
                  (d) => html`<tr data-device=${d.id}>
                    <td><a href=${`/devices/${d.id}`}>${d.name}</a></td>
                    <td>${all.kinds[d.kind]}</td>
                    <td><code>${d.address}</code></td>
                    <td class=${`reach ${d.reach}`}>
                      ${all.reach[d.reach]}${d.since ? html` <span class="since">${all.status.since(formatTime(language, d.since))}</span>` : null}
                      ${d.detail ? html`<br /><span class="detail">${d.detail}</span>` : null}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
    </section>
    <section aria-labelledby="warnings-title">
      <h2 id="warnings-title">${m.warnings}</h2>
      ${overview.warnings.length === 0
        ? html`<p class="checked">${m.noWarnings}</p>`
        : html`<ul class="warnings">
            ${overview.warnings.map(
              (w) => html`<li class=${`warning ${w.severity}`} data-code=${w.code}>
                <strong>${all.severities[w.severity]}:</strong> ${w.text[language]}
                ${w.detail ? html` <span class="detail">(${w.detail})</span>` : null}
                <span class="since">${all.status.since(formatTime(language, w.since))}</span>
              </li>`,
            )}
          </ul>`}
    </section>
    <p class="checked">${all.status.checkedAt(formatTime(language, at))}</p>`;
}

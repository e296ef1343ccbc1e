// The devices page: the registered PVS hosts and terminals with whether they answer, the form
// that registers one (filled in from a terminal the box found, by a link that works without
// JavaScript), the terminals found but not registered, and the hosts the box sees on its LAN.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../i18n/index.ts';
import type { CandidateView, DeviceView, NeighbourView } from '../status/deviceView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { OutcomeNote, type Outcome } from './profilePage.ts';

/** What the registration form shows: what was typed, after a refusal or from a found terminal. */
export interface RegistrationValues {
  kind?: string;
  name?: string;
  address?: string;
  mac?: string;
  cetpPorts?: string;
}

export interface DevicesPageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  /** Undefined where the agent did not answer. */
  devices: readonly DeviceView[] | undefined;
  terminals: readonly CandidateView[] | undefined;
  neighbours: readonly NeighbourView[] | undefined;
  form: RegistrationValues;
  outcome?: Outcome;
}

export function DevicesPage(props: DevicesPageProps): VNode {
  const { language, session, devices, terminals, neighbours, form } = props;
  const all = messagesFor(language);
  const m = all.devices;
  const agentDown = html`<p class="error">${all.status.reasons.agentDown}</p>`;
  return Layout({
    language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/devices',
    session,
    children: html`<h1>${m.title}</h1>
      ${OutcomeNote(props.outcome)}
      <section aria-labelledby="registered-title">
        <h2 id="registered-title">${m.registered}</h2>
        ${!devices
          ? agentDown
          : devices.length === 0
            ? html`<p>${m.none}</p>`
            : html`<table class="list">
                <thead>
                  <tr><th scope="col">${m.columns.name}</th><th scope="col">${m.columns.kind}</th><th scope="col">${m.address}</th><th scope="col">${m.columns.mac}</th></tr>
                </thead>
                <tbody>
                  ${devices.map(
                    (d) => html`<tr data-device=${d.id}>
                      <td><a href=${`/devices/${d.id}`}>${d.name}</a></td>
                      <td>${all.kinds[d.kind]}</td>
                      <td><code>${d.address}</code>${d.inSegment ? null : html`<br /><span class="error">${m.outsideSegment}</span>`}</td>
                      <td><code>${d.mac}</code></td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
      </section>
      <section aria-labelledby="register-title" id="register">
        <h2 id="register-title">${m.register}</h2>
        <form method="post" action="/devices" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="kind">${m.kind}</label>
          <select id="kind" name="kind">
            ${(['pvs', 'terminal'] as const).map((kind) => html`<option value=${kind} selected=${form.kind === kind}>${all.kinds[kind]}</option>`)}
          </select>
          <label for="name">${m.name}</label>
          <input id="name" name="name" required maxlength="63" value=${form.name ?? ''} />
          <label for="address">${m.address}</label>
          <input id="address" name="address" required inputmode="decimal" value=${form.address ?? ''} aria-describedby="address-hint" />
          <small id="address-hint">${m.addressHint}</small>
          <label for="mac">${m.mac}</label>
          <input id="mac" name="mac" required value=${form.mac ?? ''} aria-describedby="mac-hint" />
          <small id="mac-hint">${m.macHint}</small>
          <label for="cetpPorts">${m.cetpPorts}</label>
          <input id="cetpPorts" name="cetpPorts" value=${form.cetpPorts ?? ''} aria-describedby="cetp-hint" />
          <small id="cetp-hint">${m.cetpHint}</small>
          <button type="submit">${m.submit}</button>
        </form>
      </section>
      <section aria-labelledby="found-title">
        <h2 id="found-title">${m.discovered}</h2>
        ${!terminals
          ? agentDown
          : terminals.length === 0
            ? html`<p>${m.noneDiscovered}</p>`
            : html`<table class="list">
                <thead>
                  <tr><th scope="col">${m.columns.mac}</th><th scope="col">${m.columns.address}</th><th scope="col">${m.columns.hostname}</th><th scope="col">${m.columns.seen}</th><th scope="col"><span class="visually-hidden">${m.registerThis}</span></th></tr>
                </thead>
                <tbody>
                  ${terminals.map(
                    (t) => html`<tr>
                      <td><code>${t.mac}</code></td>
                      <td>${t.address ? html`<code>${t.address}</code>` : ''}</td>
                      <td>${[t.hostname, t.vendorClass].filter(Boolean).join(' · ')}</td>
                      <td>${formatTime(language, t.lastSeen)}</td>
                      <td><a href=${`/devices?${new URLSearchParams({ kind: 'terminal', mac: t.mac, ...(t.address ? { address: t.address } : {}) }).toString()}#register`}>${m.registerThis}</a></td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
      </section>
      <section aria-labelledby="seen-title">
        <h2 id="seen-title">${m.seenHosts}</h2>
        ${!neighbours
          ? agentDown
          : neighbours.length === 0
            ? html`<p>${m.noneSeen}</p>`
            : html`<table class="list">
                <thead>
                  <tr><th scope="col">${m.columns.address}</th><th scope="col">${m.columns.mac}</th><th scope="col">${m.columns.seen}</th><th scope="col"><span class="visually-hidden">${m.registerThis}</span></th></tr>
                </thead>
                <tbody>
                  ${neighbours.map(
                    (n) => html`<tr>
                      <td><code>${n.ip}</code></td>
                      <td><code>${n.mac}</code></td>
                      <td>${formatTime(language, n.lastSeen)}</td>
                      <td><a href=${`/devices?${new URLSearchParams({ kind: 'pvs', mac: n.mac }).toString()}#register`}>${m.registerThis}</a></td>
                    </tr>`,
                  )}
                </tbody>
              </table>`}
      </section>`,
  });
}

// One device: its registration, rename and remove (forms), a PVS host's setup commands for
// Windows and Linux (copy buttons appear with JavaScript; the text can always be selected), its
// reachability history, and "why blocked": what the firewall let through and dropped for it.
import type { VNode } from 'preact';
import { isDropReason } from '../../core/dropReasons.ts';
import { formatBytes, formatTime, messagesFor, type Language } from '../i18n/index.ts';
import type { DeviceView, SetupView, TransitionView, WhyView } from '../status/deviceView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { OutcomeNote, type Outcome } from './profilePage.ts';

export interface DevicePageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  device: DeviceView;
  /** Undefined where the agent did not give it (no profile yet, or no answer). */
  setup: SetupView | undefined;
  history: readonly TransitionView[] | undefined;
  why: WhyView | undefined;
  /** What the rename field shows: what was typed after a refusal. */
  newName?: string;
  outcome?: Outcome;
}

export function DevicePage(props: DevicePageProps): VNode {
  const { language, session, device, setup, history, why } = props;
  const all = messagesFor(language);
  const m = all.devices;
  const base = `/devices/${device.id}`;
  return Layout({
    language,
    title: device.name,
    fingerprint: props.fingerprint,
    path: base,
    session,
    scripts: ['/assets/app.js'],
    children: html`<p><a href="/devices">${m.back}</a></p>
      <h1>${device.name}</h1>
      ${OutcomeNote(props.outcome)}
      <dl class="facts">
        <dt>${m.kind}</dt>
        <dd>${all.kinds[device.kind]}</dd>
        <dt>${m.address}</dt>
        <dd><code>${device.address}</code>${device.inSegment ? null : html` <span class="error">${m.outsideSegment}</span>`}</dd>
        <dt>${m.mac}</dt>
        <dd><code>${device.mac}</code></dd>
        ${device.kind === 'pvs'
          ? html`<dt>${m.cetpPorts}</dt>
              <dd>${device.cetpPorts.join(', ')}</dd>`
          : null}
      </dl>
      <div class="actions">
        <form method="post" action=${`${base}/rename`} class="actions">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="new-name">${m.name}</label>
          <input id="new-name" name="name" required maxlength="63" value=${props.newName ?? device.name} />
          <button type="submit">${m.renameSubmit}</button>
        </form>
        <form method="post" action=${`${base}/remove`}>
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <button type="submit" aria-describedby="remove-note">${m.remove}</button>
        </form>
      </div>
      <p id="remove-note" class="checked">${m.removeConfirm}</p>
      ${device.kind === 'pvs'
        ? html`<section aria-labelledby="setup-title">
            <h2 id="setup-title">${m.setup}</h2>
            ${setup?.kind === 'pvs'
              ? html`${Command('setup-windows', m.setupWindows, setup.windows, m.copy, m.copied)} ${Command('setup-linux', m.setupLinux, setup.linux, m.copy, m.copied)}`
              : html`<p>${m.setupUnavailable}</p>`}
          </section>`
        : null}
      <section aria-labelledby="reach-title">
        <h2 id="reach-title">${m.reachability}</h2>
        ${device.kind === 'pvs' ? html`<p class="checked">${m.pvsReach}</p>` : null}
        ${device.reachability
          ? html`<p>
              <span class=${`reach ${device.reachability.state}`}>${all.reach[device.reachability.state]}</span>
              <span class="since"> ${all.status.since(formatTime(language, device.reachability.since))}</span>
            </p>`
          : null}
        ${device.kind === 'terminal'
          ? !history || history.length === 0
            ? html`<p>${m.noReachability}</p>`
            : html`<table class="list">
                <thead>
                  <tr><th scope="col">${all.tunnel.columns.at}</th><th scope="col">${all.tunnel.columns.state}</th><th scope="col">${all.tunnel.columns.reason}</th></tr>
                </thead>
                <tbody>
                  ${history.map(
                    (t) => html`<tr>
                      <td>${formatTime(language, t.at)}</td>
                      <td class=${`reach ${t.state}`}>${all.reach[t.state]}</td>
                      <td>${t.detail ?? ''}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
          : null}
      </section>
      <section aria-labelledby="why-title">
        <h2 id="why-title">${m.why}</h2>
        <p class="checked">${m.whyExplain}</p>
        ${!why
          ? html`<p>${m.noCounters}</p>`
          : html`${why.counters
                ? html`<dl class="facts">
                    <dt>${m.accepted}</dt>
                    <dd>${m.countValue(why.counters.accepted.packets, formatBytes(language, why.counters.accepted.bytes))}</dd>
                    <dt>${m.dropped}</dt>
                    <dd data-field="dropped">${m.countValue(why.counters.dropped.packets, formatBytes(language, why.counters.dropped.bytes))}</dd>
                  </dl>
                  <p class="checked">${m.countsSince(formatTime(language, why.counters.since))}</p>`
                : html`<p>${m.noCounters}</p>`}
              <h3>${m.drops}</h3>
              ${why.drops.length === 0
                ? html`<p>${m.noDrops}</p>`
                : html`<table class="list">
                    <thead>
                      <tr><th scope="col">${m.dropColumns.at}</th><th scope="col">${m.dropColumns.reason}</th><th scope="col">${m.dropColumns.from}</th><th scope="col">${m.dropColumns.to}</th></tr>
                    </thead>
                    <tbody>
                      ${why.drops.map(
                        (d) => html`<tr>
                          <td>${formatTime(language, d.at)}</td>
                          <td>${isDropReason(d.reason) ? m.dropReasons[d.reason] : d.reason}</td>
                          <td><code>${d.src}${d.sport === undefined ? '' : `:${d.sport}`}</code></td>
                          <td><code>${d.dst}${d.dport === undefined ? '' : `:${d.dport}`}</code> ${d.proto}</td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`}`}
      </section>`,
  });
}

/** A command to copy: the text in a block, and a button our script shows where the clipboard works. */
function Command(id: string, title: string, text: string, copy: string, copied: string): VNode {
  return html`<h3 id=${`${id}-title`}>${title}</h3>
    <pre class="command" id=${id} aria-labelledby=${`${id}-title`}>${text}</pre>
    <button type="button" data-copy=${id} data-copied=${copied} hidden>${copy}</button>`;
}

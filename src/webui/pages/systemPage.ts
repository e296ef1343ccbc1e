// The system page (BSI TR-03148: version, firewall and the services that run shown as the box has
// them): the firmware's version and its A/B slots, the firewall's state and ruleset, the services
// that listen, read from the kernel, the password change, the security log's download, the
// settings backup, its check and its restore (another box's only with a tick naming both), the
// restart, which a tick box confirms, and the factory reset, which the serial number typed confirms.
import type { VNode } from 'preact';
import { FACTORY_RESET_WORD } from '../../control/protocol.ts';
import { formatTime, messagesFor, wordFor, type Language, type Messages } from '../i18n/index.ts';
import type { BackupPreviewView, ListeningView, ProtocolEntryView, SlotsView } from '../status/systemView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { OutcomeNote, type Outcome } from './profilePage.ts';

export interface SystemPageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  /** Undefined where the agent did not answer. */
  version: string | undefined;
  slots: SlotsView['system'] | undefined;
  firewall: { state: string; since?: string; detail?: string } | undefined;
  ruleset: string | undefined;
  listening: readonly ListeningView[] | undefined;
  /** The kept installation protocols, newest first. */
  protocols: readonly ProtocolEntryView[] | undefined;
  /** The box's serial number, which confirms the factory reset; undefined before the factory step. */
  serial?: string | undefined;
  /** The address the page was asked for at: a service bound to it is reachable "on this address". */
  host: string;
  /** What a backup just checked holds against the box now. */
  preview?: BackupPreviewView;
  outcome?: Outcome;
}

export function SystemPage(props: SystemPageProps): VNode {
  const { language, session } = props;
  const all = messagesFor(language);
  const m = all.system;
  const unknown = html`<p class="error">${all.status.reasons.agentDown}</p>`;
  return Layout({
    language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/system',
    session,
    children: html`<h1>${m.title}</h1>
      ${OutcomeNote(props.outcome)}
      <section aria-labelledby="firmware-title">
        <h2 id="firmware-title">${m.firmware}</h2>
        <dl class="facts">
          <dt>${m.version}</dt>
          <dd data-field="version">${props.version ?? m.unknown}</dd>
        </dl>
        <h3>${m.slots}</h3>
        ${Slots(m, props.slots)}
      </section>
      <section aria-labelledby="firewall-title">
        <h2 id="firewall-title">${m.firewall}</h2>
        ${props.firewall
          ? html`<p>
              ${m.firewallState}: <strong data-field="firewall-state" class=${props.firewall.state === 'running' ? '' : 'error'}>${wordFor(m.firewallStates, props.firewall.state) ?? props.firewall.state}</strong>
              ${props.firewall.since ? ` (${all.status.since(formatTime(language, props.firewall.since))})` : ''}
              ${props.firewall.detail ? html`<br /><span>${props.firewall.detail}</span>` : null}
            </p>`
          : unknown}
        ${props.ruleset === undefined
          ? null
          : html`<details>
              <summary>${m.ruleset}</summary>
              <pre data-field="ruleset">${props.ruleset}</pre>
            </details>`}
      </section>
      <section aria-labelledby="listening-title">
        <h2 id="listening-title">${m.listening}</h2>
        <p>${m.listeningExplain}</p>
        ${props.listening === undefined ? unknown : Listening(m, props.listening, props.host)}
      </section>
      <section aria-labelledby="password-title">
        <h2 id="password-title">${m.password}</h2>
        <p>${m.passwordExplain}</p>
        <p><a href="/password">${m.passwordLink}</a></p>
      </section>
      <section aria-labelledby="log-title">
        <h2 id="log-title">${m.log}</h2>
        <p>${m.logExplain}</p>
        <p><a href="/system/security-log" download>${m.logDownload}</a></p>
      </section>
      <section aria-labelledby="protocols-title">
        <h2 id="protocols-title">${m.protocols}</h2>
        <p>${m.protocolsExplain}</p>
        ${props.protocols === undefined ? unknown : Protocols(m, props.protocols, language)}
      </section>
      <section aria-labelledby="backup-title">
        <h2 id="backup-title">${m.backup}</h2>
        <p>${m.backupExplain}</p>
        <form method="post" action="/system/backup" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="backup-passphrase">${m.passphrase}</label>
          <input id="backup-passphrase" name="passphrase" type="password" autocomplete="new-password" required minlength="16" maxlength="256" aria-describedby="backup-passphrase-hint" />
          <small id="backup-passphrase-hint">${m.passphraseHint}</small>
          <label for="backup-passphrase-repeat">${m.passphraseRepeat}</label>
          <input id="backup-passphrase-repeat" name="passphraseRepeat" type="password" autocomplete="new-password" required minlength="16" maxlength="256" />
          <button type="submit">${m.backupSubmit}</button>
        </form>
      </section>
      <section aria-labelledby="inspect-title">
        <h2 id="inspect-title">${m.inspect}</h2>
        <p>${m.inspectExplain}</p>
        ${props.preview ? Preview(all, props.preview, language) : null}
        ${props.preview ? RestoreForm(m, props.preview, session.csrf) : null}
        <form method="post" action="/system/backup/inspect" enctype="multipart/form-data" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="inspect-file">${m.backupFile}</label>
          <input id="inspect-file" name="backup" type="file" required />
          <label for="inspect-passphrase">${m.passphrase}</label>
          <input id="inspect-passphrase" name="passphrase" type="password" autocomplete="off" required maxlength="256" />
          <button type="submit">${m.inspectSubmit}</button>
        </form>
      </section>
      <section aria-labelledby="reboot-title">
        <h2 id="reboot-title">${m.reboot}</h2>
        <p>${m.rebootExplain}</p>
        <form method="post" action="/system/reboot" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label><input type="checkbox" name="confirm" value="yes" required /> ${m.rebootConfirm}</label>
          <button type="submit">${m.rebootSubmit}</button>
        </form>
      </section>
      <section aria-labelledby="reset-title">
        <h2 id="reset-title">${m.factoryReset}</h2>
        <p>${m.factoryResetExplain}</p>
        <form method="post" action="/system/factory-reset" class="stacked">
          <input type="hidden" name="_csrf" value=${session.csrf} />
          <label for="reset-confirm">${m.factoryResetConfirm(props.serial ?? FACTORY_RESET_WORD)}</label>
          <input id="reset-confirm" name="confirm" type="text" autocomplete="off" required maxlength="64" spellcheck="false" />
          <button type="submit">${m.factoryResetSubmit}</button>
        </form>
      </section>`,
  });
}

function Preview(all: Messages, preview: BackupPreviewView, language: Language): VNode {
  const m = all.system;
  const boxName = (b: { serial: string; name: string }) => `${b.name} (${b.serial})`;
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const { added, removed, changed } = preview.devices;
  const same = preview.changes.length === 0 && added.length + removed.length + changed.length === 0;
  return html`<div data-field="backup-preview">
    <p role="status">${m.preview(boxName(preview.box), formatTime(language, preview.createdAt))}</p>
    ${preview.otherBox ? html`<p class="notice" role="alert">${m.otherBox(boxName(preview.otherBox.backup), boxName(preview.otherBox.thisBox))}</p>` : null}
    ${same ? html`<p>${m.noDifference}</p>` : null}
    ${preview.changes.length > 0
      ? html`<table class="list">
          <caption>${m.changedFields}</caption>
          <thead>
            <tr><th scope="col">${m.changeColumns.path}</th><th scope="col">${m.changeColumns.now}</th><th scope="col">${m.changeColumns.restored}</th></tr>
          </thead>
          <tbody>
            ${preview.changes.map((c) => html`<tr><td><code>${c.path}</code></td><td>${value(c.now)}</td><td>${value(c.restored)}</td></tr>`)}
          </tbody>
        </table>`
      : null}
    ${added.length > 0 ? html`<p>${m.devicesAdded(added.join(', '))}</p>` : null}
    ${removed.length > 0 ? html`<p>${m.devicesRemoved(removed.join(', '))}</p>` : null}
    ${changed.length > 0 ? html`<p>${m.devicesChanged(changed.join(', '))}</p>` : null}
  </div>`;
}

/** Restores the backup just checked, which the web UI holds; another box's only with the tick. */
function RestoreForm(m: Messages['system'], preview: BackupPreviewView, csrf: string): VNode {
  const boxName = (b: { serial: string; name: string }) => `${b.name} (${b.serial})`;
  return html`<form method="post" action="/system/backup/restore" class="stacked" data-field="restore">
    <input type="hidden" name="_csrf" value=${csrf} />
    <p>${m.restoreExplain}</p>
    ${preview.otherBox
      ? html`<label><input type="checkbox" name="acceptOtherBox" value="yes" required /> ${m.acceptOtherBox(boxName(preview.otherBox.backup), boxName(preview.otherBox.thisBox))}</label>`
      : null}
    <button type="submit">${m.restoreSubmit}</button>
  </form>`;
}

function Slots(m: Messages['system'], system: SlotsView['system'] | undefined): VNode {
  if (!system || system.slots.length === 0) return html`<p>${system?.error === undefined ? m.noSlots : m.slotsUnknown}</p>`;
  const c = m.slotColumns;
  return html`<table class="list" data-field="slots">
    <thead>
      <tr><th scope="col">${c.name}</th><th scope="col">${c.state}</th><th scope="col">${c.version}</th><th scope="col">${c.boot}</th></tr>
    </thead>
    <tbody>
      ${system.slots.map(
        (slot) => html`<tr>
          <td>${slot.bootname ? `${slot.name} (${slot.bootname})` : slot.name}</td>
          <td>${slot.bootname !== undefined && slot.bootname === system.booted ? m.booted : (wordFor(m.slotStates, slot.state) ?? slot.state)}</td>
          <td>${slot.version ?? ''}</td>
          <td>${slot.bootStatus === undefined ? '' : (wordFor(m.bootStates, slot.bootStatus) ?? slot.bootStatus)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function Protocols(m: Messages['system'], protocols: readonly ProtocolEntryView[], language: Language): VNode {
  if (protocols.length === 0) return html`<p>${m.noProtocols}</p>`;
  const c = m.protocolColumns;
  return html`<table class="list" data-field="protocols">
    <thead>
      <tr><th scope="col">${c.number}</th><th scope="col">${c.created}</th><th scope="col">${c.practice}</th><th scope="col">${c.test}</th><th scope="col">${c.download}</th></tr>
    </thead>
    <tbody>
      ${protocols.map(
        (p) => html`<tr>
          <td>${p.id}</td>
          <td>${formatTime(language, p.createdAt)}</td>
          <td>${p.practice}</td>
          <td>${m.protocolVerdicts[p.verdict]}</td>
          <td>
            <a href=${`/system/protocols/${p.id}.pdf?lang=de`} download>${m.protocolPdf.de}</a>${' · '}
            <a href=${`/system/protocols/${p.id}.pdf?lang=en`} download>${m.protocolPdf.en}</a>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function Listening(m: Messages['system'], services: readonly ListeningView[], host: string): VNode {
  if (services.length === 0) return html`<p>${m.noListening}</p>`;
  const c = m.listeningColumns;
  const reach = (s: ListeningView) => (s.localOnly ? m.localOnly : s.address === '0.0.0.0' || s.address === '::' ? m.allAddresses : s.address === host ? m.thisAddress : s.address);
  return html`<table class="list" data-field="listening">
    <thead>
      <tr><th scope="col">${c.proto}</th><th scope="col">${c.address}</th><th scope="col">${c.port}</th><th scope="col">${c.programs}</th><th scope="col">${c.reach}</th></tr>
    </thead>
    <tbody>
      ${services.map(
        (s) => html`<tr>
          <td>${s.proto.toUpperCase()}</td>
          <td><code>${s.address}</code></td>
          <td>${s.port}</td>
          <td>${s.programs.join(', ')}</td>
          <td>${reach(s)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

// The wizard's devices step: the devices registered, the terminals and hosts the box found, each
// with a button that registers it under the offered name and TI address (a PVS host also with the
// ports it takes CETP events on), and the setup commands of each registered PVS host.
import type { VNode } from 'preact';
import { messagesFor, type Language } from '../../i18n/index.ts';
import type { DeviceView, SetupView } from '../../status/deviceView.ts';
import type { Offer } from '../../wizard/offers.ts';
import { html } from '../html.ts';

export interface DevicesStepProps {
  language: Language;
  csrf: string;
  /** False before a profile: nothing can be registered yet. */
  segment: boolean;
  devices: readonly DeviceView[];
  offers: readonly Offer[];
  /** Each registered PVS host's setup commands (undefined where the agent did not answer). */
  setups: readonly { device: DeviceView; setup: SetupView | undefined }[];
}

export function DevicesStep({ language, csrf, segment, devices, offers, setups }: DevicesStepProps): VNode {
  const all = messagesFor(language);
  const m = all.wizard.devices;
  const d = all.devices;
  if (!segment) return html`<p>${m.explain}</p><p>${m.noProfile}</p>`;
  const offerTable = (kind: Offer['kind'], title: string, none: string) => {
    const these = offers.filter((o) => o.kind === kind);
    return html`<h3>${title}</h3>
      ${these.length === 0
        ? html`<p>${none}</p>`
        : html`<table class="list">
            <thead>
              <tr><th scope="col">${kind === 'pvs' ? d.columns.address : d.columns.hostname}</th><th scope="col">${d.columns.mac}</th><th scope="col">${d.address}</th><th scope="col">${m.register}</th></tr>
            </thead>
            <tbody>
              ${these.map((o, i) => {
                const id = `${kind}-${i}`;
                const name = kind === 'pvs' ? m.pvsName(o.seenAs) : m.terminalName(o.seenAs);
                return html`<tr data-offer=${o.mac}>
                  <td>${o.seenAs}</td>
                  <td><code>${o.mac}</code></td>
                  <td>${o.address ?? m.noFreeAddress}</td>
                  <td>
                    ${o.address
                      ? html`<form method="post" action="/wizard/devices" class="actions">
                          <input type="hidden" name="_csrf" value=${csrf} />
                          <input type="hidden" name="kind" value=${kind} />
                          <input type="hidden" name="mac" value=${o.mac} />
                          <input type="hidden" name="address" value=${o.address} />
                          <label class="visually-hidden" for=${`${id}-name`}>${d.name}</label>
                          <input id=${`${id}-name`} name="name" value=${name.slice(0, 63)} maxlength="63" required />
                          ${kind === 'pvs'
                            ? html`<label class="visually-hidden" for=${`${id}-cetp`}>${d.cetpPorts}</label>
                                <input id=${`${id}-cetp`} name="cetpPorts" placeholder=${d.cetpPorts} inputmode="numeric" maxlength="80" size="10" />`
                            : null}
                          <button type="submit">${m.register}</button>
                        </form>`
                      : null}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`}`;
  };
  return html`<p>${m.explain}</p>
    <h3>${m.registered}</h3>
    ${devices.length === 0
      ? html`<p>${m.none}</p>`
      : html`<table class="list">
          <thead>
            <tr><th scope="col">${d.columns.name}</th><th scope="col">${d.columns.kind}</th><th scope="col">${d.columns.address}</th><th scope="col">${d.columns.mac}</th></tr>
          </thead>
          <tbody>
            ${devices.map((x) => html`<tr><td><a href=${`/devices/${x.id}`}>${x.name}</a></td><td>${all.kinds[x.kind]}</td><td>${x.address}</td><td><code>${x.mac}</code></td></tr>`)}
          </tbody>
        </table>`}
    ${offerTable('terminal', m.terminals, m.noTerminals)} ${offerTable('pvs', m.hosts, m.noHosts)}
    <p><a href="/devices">${m.more}</a></p>
    ${setups.length === 0
      ? null
      : html`<h3>${m.setup}</h3>
          <p>${m.setupExplain}</p>
          ${setups.map(
            ({ device, setup }) => html`<h4>${device.name}</h4>
              ${setup?.kind === 'pvs'
                ? html`<p>${d.setupWindows}</p>
                    <pre class="command">${setup.windows}</pre>
                    <p>${d.setupLinux}</p>
                    <pre class="command">${setup.linux}</pre>`
                : html`<p>${d.setupUnavailable}</p>`}`,
          )}`}`;
}

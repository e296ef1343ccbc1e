// The network page: the WAN port's state now, a pending change with its countdown and the
// confirm and rollback buttons, the network settings (WAN by DHCP or static, the fixed LAN
// address, the terminal ports) as one form that works without JavaScript, and the routing table
// as the kernel holds it. A change goes through the agent's pending transaction.
import type { VNode } from 'preact';
import { formatTime, messagesFor, wordFor, type Language, type Messages } from '../i18n/index.ts';
import type { NetworkSettings, PendingView, RouteView } from '../status/networkView.ts';
import { html } from './html.ts';
import { Layout } from './layout.ts';
import { PendingActions } from './pendingActions.ts';
import { OutcomeNote, type Outcome } from './profilePage.ts';
import { WanFields } from './wanFields.ts';

/** What the form shows: the settings in force, or what was typed when the change was refused. */
export interface NetworkFormValues {
  wanMode: 'dhcp' | 'static';
  wanAddress: string;
  wanGateway: string;
  wanResolvers: string;
  lanFallback: string;
  terminals: string;
  timeoutS: string;
}

export interface NetworkPageProps {
  language: Language;
  fingerprint: string;
  session: { user: string; csrf: string };
  /** Undefined: the agent did not answer. */
  settings: NetworkSettings | undefined;
  pending: PendingView | null | undefined;
  /** Where to confirm the pending change instead (the box's new fixed address), if anywhere. */
  confirmAt?: string;
  /** The WAN subsystem's own line: its address, gateway, lease and resolvers. */
  wanState: string | undefined;
  routes: readonly RouteView[] | undefined;
  form?: NetworkFormValues;
  outcome?: Outcome;
  /** The agent's reasons for a refused change, field by field. */
  refusals?: readonly { path: string; message: string }[];
}

export function formValues(settings: NetworkSettings, timeoutS: number): NetworkFormValues {
  return {
    wanMode: settings.wan.mode,
    wanAddress: settings.wan.address,
    wanGateway: settings.wan.gateway,
    wanResolvers: settings.wan.resolvers.join(' '),
    lanFallback: settings.interfaces.lanFallback,
    terminals: settings.interfaces.terminals.join(' '),
    timeoutS: String(timeoutS),
  };
}

export function NetworkPage(props: NetworkPageProps): VNode {
  const { language, session } = props;
  const all = messagesFor(language);
  const m = all.network;
  return Layout({
    language,
    title: m.title,
    fingerprint: props.fingerprint,
    path: '/network',
    session,
    scripts: ['/assets/app.js'],
    children: html`<h1>${m.title}</h1>
      ${OutcomeNote(props.outcome)}
      ${props.refusals && props.refusals.length > 0
        ? html`<ul class="error" aria-label=${m.refusedFields}>
            ${props.refusals.map((r) => html`<li><strong>${wordFor(m.fields, r.path) ?? r.path}</strong>: ${r.message}</li>`)}
          </ul>`
        : null}
      ${props.pending ? Pending(all, props.pending, session.csrf, props.confirmAt, language) : null}
      <section aria-labelledby="wan-now-title">
        <h2 id="wan-now-title">${m.wanNow}</h2>
        <p data-field="wan-state">${props.wanState ?? m.wanUnknown}</p>
      </section>
      <section aria-labelledby="settings-title">
        <h2 id="settings-title">${m.settings}</h2>
        ${props.settings === undefined ? html`<p class="error">${all.status.reasons.agentDown}</p>` : Settings(m, props.form ?? formValues(props.settings, 90), session.csrf, (props.refusals ?? []).map((r) => r.path))}
      </section>
      <section aria-labelledby="routes-title">
        <h2 id="routes-title">${m.routes}</h2>
        <p>${m.routesExplain}</p>
        ${Routes(m, props.routes)}
      </section>`,
  });
}

function Pending(all: Messages, pending: PendingView, csrf: string, confirmAt: string | undefined, language: Language): VNode {
  const m = all.network;
  const fields = pending.paths.map((path) => wordFor(m.fields, path) ?? path).join(', ');
  return html`<section class="pending" aria-labelledby="pending-title">
    <h2 id="pending-title">${m.pendingTitle}</h2>
    <p>${m.pendingExplain(pending.revision, fields, formatTime(language, pending.deadline))}</p>
    <p role="timer" aria-live="off">
      <strong data-countdown data-remaining=${String(pending.remainingS)} data-template=${m.remaining('{s}')} data-expired=${m.expired}>${m.remaining(pending.remainingS)}</strong>
    </p>
    ${confirmAt ? html`<p class="notice">${m.confirmFromNew} <a href=${`https://${confirmAt}/network`}>${`https://${confirmAt}/network`}</a></p>` : null}
    ${PendingActions({ base: '/network', csrf, revision: pending.revision, texts: m })}
  </section>`;
}

function Settings(m: Messages['network'], form: NetworkFormValues, csrf: string, refused: readonly string[]): VNode {
  return html`<p>${m.settingsExplain}</p>
    <form method="post" action="/network" class="stacked">
      <input type="hidden" name="_csrf" value=${csrf} />
      <fieldset>
        <legend>${m.wanTitle}</legend>
        ${WanFields({
          names: { mode: 'wanMode', address: 'wanAddress', gateway: 'wanGateway', resolvers: 'wanResolvers' },
          values: { mode: form.wanMode, address: form.wanAddress, gateway: form.wanGateway, resolvers: form.wanResolvers },
          texts: {
            mode: m.mode, dhcp: m.dhcp, static: m.static,
            address: { label: m.address, hint: m.addressHint },
            gateway: { label: m.gateway, hint: m.gatewayHint },
            resolvers: { label: m.resolvers, hint: m.resolversHint },
          },
          refused,
        })}
      </fieldset>
      <fieldset>
        <legend>${m.lanTitle}</legend>
        <label for="lan-fallback">${m.lanFallback}</label>
        <input id="lan-fallback" name="lanFallback" value=${form.lanFallback} maxlength="18" required aria-describedby="lan-fallback-hint" />
        <small id="lan-fallback-hint">${m.lanFallbackHint}</small>
      </fieldset>
      <fieldset>
        <legend>${m.terminalsTitle}</legend>
        <label for="terminals">${m.terminals}</label>
        <input id="terminals" name="terminals" value=${form.terminals} maxlength="200" aria-describedby="terminals-hint" />
        <small id="terminals-hint">${m.terminalsHint}</small>
      </fieldset>
      <label for="timeout">${m.timeout}</label>
      <input id="timeout" name="timeoutS" type="number" min="5" max="3600" step="1" value=${form.timeoutS} required aria-describedby="timeout-hint" />
      <small id="timeout-hint">${m.timeoutHint}</small>
      <button type="submit">${m.submit}</button>
    </form>`;
}

function Routes(m: Messages['network'], routes: readonly RouteView[] | undefined): VNode {
  if (routes === undefined) return html`<p class="error">${m.routesUnknown}</p>`;
  if (routes.length === 0) return html`<p>${m.noRoutes}</p>`;
  const c = m.routeColumns;
  return html`<table class="list" data-field="routes">
    <thead>
      <tr><th scope="col">${c.table}</th><th scope="col">${c.destination}</th><th scope="col">${c.via}</th><th scope="col">${c.dev}</th><th scope="col">${c.src}</th><th scope="col">${c.proto}</th><th scope="col">${c.metric}</th></tr>
    </thead>
    <tbody>
      ${routes.map(
        (r) => html`<tr>
          <td>${wordFor(m.tables, r.table) ?? r.table}</td>
          <td><code>${r.destination}</code>${r.type === 'unicast' ? '' : ` (${wordFor(m.routeTypes, r.type) ?? r.type})`}</td>
          <td>${r.via ?? ''}</td>
          <td>${r.dev ?? ''}</td>
          <td>${r.src ?? ''}</td>
          <td>${r.proto ?? ''}</td>
          <td>${r.metric ?? ''}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

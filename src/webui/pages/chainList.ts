// The chain practice LAN → box → internet → datacenter → TI as a list, each link with its state,
// the reason in plain words and since when; the public status page and the overview both show it.
import type { VNode } from 'preact';
import { formatTime, messagesFor, type Language } from '../i18n/index.ts';
import { verdictOf, type ChainLink } from '../status/chain.ts';
import { html } from './html.ts';

export function ChainList({ language, chain }: { language: Language; chain: readonly ChainLink[] }): VNode {
  const m = messagesFor(language).status;
  const verdict = verdictOf(chain);
  return html`<p class=${`verdict ${verdict === 'allOk' ? 'ok' : verdict === 'unknown' ? 'unknown' : 'down'}`} role="status">${m.verdict[verdict]}</p>
    <ol class="chain">
      ${chain.map(
        (link) => html`<li class=${`link ${link.state}`} data-link=${link.name}>
          <span class="name">${m.links[link.name]}</span>
          <span class="state">${m.states[link.state]}</span>
          <span class="reason">${m.reasons[link.reason]}</span>
          ${link.since ? html`<span class="since">${m.since(formatTime(language, link.since))}</span>` : null}
        </li>`,
      )}
    </ol>`;
}

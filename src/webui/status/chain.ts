// The practice's one question, "is it us, the internet, the datacenter or the TI?", answered from
// the agent's status as a chain of four links, the practice LAN's end first. Pure: the public
// status page renders what this returns, and it returns nothing but states, reasons and times, so
// the page can reveal nothing else (no addresses, no names, no profile details).
import type { LinkName, LinkReason } from '../i18n/index.ts';
import type { AgentView } from './agentView.ts';

export type LinkState = 'ok' | 'down' | 'unknown';

/**
 * The warnings that mean the box has no way to the internet: nothing beyond the router, no
 * link, no lease, no default route (src/wan/warnings.ts). A missing name server alone is not one.
 */
const WAN_DOWN: readonly string[] = ['wan.down', 'wan.noLink', 'wan.noLease', 'wan.noDefaultRoute'];

/** The tunnel's failure when no gateway answers IKE at all (src/ipsec/tunnel/failure.ts). */
const GATEWAY_UNREACHABLE = 'gateway unreachable';

export interface ChainLink {
  name: LinkName;
  state: LinkState;
  reason: LinkReason;
  /** ISO time the link has been in this state, where the agent knows it. */
  since?: string;
}

/** Which link the fault is at: the first that is down, 'ok' when none is, 'unknown' when none is down but one is unknown. */
export type Verdict = LinkName | 'allOk' | 'unknown';

/** The chain for an agent that answered with `status`, or for one that did not answer (undefined). */
export function chainOf(status: AgentView | undefined): ChainLink[] {
  if (!status) {
    return [
      { name: 'box', state: 'down', reason: 'agentDown' },
      { name: 'internet', state: 'unknown', reason: 'dependsOnInternet' },
      { name: 'datacenter', state: 'unknown', reason: 'dependsOnInternet' },
      { name: 'ti', state: 'unknown', reason: 'dependsOnDatacenter' },
    ];
  }
  const { state, since } = status.tunnel;
  const box = boxLink(state, since);
  const wanDown = state === 'wan-down' ? since : status.health.filter((w) => WAN_DOWN.includes(w.code)).map((w) => w.since).sort()[0];
  // The WAN is up, but no gateway answered the last attempt's IKE: the way to the datacenter ends
  // before it (the practice router's line, or the internet), as far as the box can tell.
  const silent = (state === 'connecting' || state === 'backoff') && status.tunnel.lastError?.reason === GATEWAY_UNREACHABLE ? status.tunnel.lastError.at : undefined;
  const internet: ChainLink =
    wanDown !== undefined
      ? { name: 'internet', state: 'down', reason: 'wanDown', since: wanDown }
      : silent !== undefined
        ? { name: 'internet', state: 'down', reason: 'gatewaysSilent', since: silent }
        : { name: 'internet', state: 'ok', reason: 'internetOk' };
  const datacenter: ChainLink =
    internet.state !== 'ok' || box.state !== 'ok'
      ? { name: 'datacenter', state: 'unknown', reason: 'dependsOnInternet' }
      : state === 'up'
        ? { name: 'datacenter', state: 'ok', reason: 'datacenterOk', since }
        : { name: 'datacenter', state: 'down', reason: 'tunnelNotUp', since };
  const ti: ChainLink = { name: 'ti', state: 'unknown', reason: datacenter.state === 'ok' ? 'tiNotChecked' : 'dependsOnDatacenter' };
  return [box, internet, datacenter, ti];
}

/** The first link that is down decides; a chain with none down but one unknown is 'unknown'. */
export function verdictOf(chain: readonly ChainLink[]): Verdict {
  const down = chain.find((link) => link.state === 'down');
  if (down) return down.name;
  // The TI link is unknown while the box does not check the TI itself: that alone is no doubt.
  return chain.some((link) => link.state === 'unknown' && link.name !== 'ti') ? 'unknown' : 'allOk';
}

function boxLink(state: AgentView['tunnel']['state'], since: string): ChainLink {
  if (state === 'no-profile') return { name: 'box', state: 'down', reason: 'noProfile', since };
  if (state === 'disabled') return { name: 'box', state: 'down', reason: 'tunnelDisabled', since };
  if (state === 'charon-down') return { name: 'box', state: 'down', reason: 'ipsecDown', since };
  return { name: 'box', state: 'ok', reason: 'boxOk' };
}

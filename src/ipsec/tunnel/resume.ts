// Brings the last working tunnel back before the agent has loaded (src/agent/resume.ts runs it
// first thing at start): one connection, one initiate, no probes, no failover. Everything else,
// judging the tunnel by traffic, repairing it, the other gateways, is the controller's, which
// adopts the SA a moment later like one an earlier agent left. So this does only what cannot go
// wrong: it never routes into an SA whose gateway authenticated with an identity the profile
// does not name, and it never touches a tunnel that is up already (an agent restart).
import { loadCharon, type LoaderVici } from './charonLoader.ts';
import { CHILD_NAME } from './charonPlan.ts';
import type { TunnelVici } from './ports.ts';
import type { ResumeState } from './resumeState.ts';
import { carrier, readSas } from './sas.ts';

export type ResumeVici = LoaderVici & Pick<TunnelVici, 'listSas' | 'initiate'>;

export type ResumeOutcome =
  | { readonly result: 'nothing-saved' }
  | { readonly result: 'already-up'; readonly gateway: string }
  /** The SA is up and its gateway one the profile names: the routes may lead into it. */
  | { readonly result: 'resumed'; readonly gateway: string }
  | { readonly result: 'failed'; readonly reason: string };

export async function resumeTunnel(vici: ResumeVici, state: ResumeState, initiateTimeoutMs: number): Promise<ResumeOutcome> {
  const trusted = (sas: ReturnType<typeof readSas>) => sas.filter((sa) => state.gatewayIds.includes(sa.remoteId));
  const up = carrier(trusted(readSas(await vici.listSas({ noblock: true }))));
  if (up) return { result: 'already-up', gateway: up.remoteHost };
  const connection = state.plan.connections[0]?.name as string;
  await loadCharon(vici, state.plan);
  try {
    await vici.initiate({ child: CHILD_NAME, ike: connection, timeoutMs: initiateTimeoutMs });
  } catch (error) {
    return { result: 'failed', reason: (error as Error).message };
  }
  const fresh = carrier(trusted(readSas(await vici.listSas({ noblock: true }))).filter((sa) => sa.connection === connection));
  // An SA of a gateway with a foreign identity stays for the controller, which deletes it.
  return fresh ? { result: 'resumed', gateway: fresh.remoteHost } : { result: 'failed', reason: 'no SA of a gateway the profile names' };
}

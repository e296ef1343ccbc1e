// Reads charon's list-sas answer into the few facts the controller decides on: which of our
// connections have an IKE_SA, whether its CHILD_SA `ti` is installed, and its traffic counters.
import { getSection, getString, sectionsOf, type Named } from '../vici/index.ts';
import type { Logger } from '../../core/index.ts';
import { CHILD_NAME, gatewayIndexOf } from './charonPlan.ts';
import type { TunnelVici } from './ports.ts';

export interface TunnelSa {
  connection: string;
  gatewayIndex: number;
  ikeId: number;
  ikeState: string;
  remoteHost: string;
  /** The identity the gateway authenticated with (IKE ID), '' before it has. */
  remoteId: string;
  /** Seconds since the IKE_SA was established, 0 while it is not. */
  establishedS: number;
  child?: { installed: boolean; bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number };
}

const number = (value: string | undefined) => (value === undefined ? 0 : Number(value) || 0);

/**
 * CHILD_SA states in which the SA is in the kernel and carries traffic: besides INSTALLED, a
 * MOBIKE address update (UPDATING) and a rekey the box started (REKEYING, until the new SA is
 * up: in an outage that lasts until the outage ends).
 */
const CARRYING_CHILD = new Set(['INSTALLED', 'UPDATING', 'REKEYING']);
/** IKE_SA states with working CHILD_SAs: established, or rekeying itself (they stay until it is done). */
const WORKING_IKE = new Set(['ESTABLISHED', 'REKEYING']);

export function readSas(listing: readonly Named[]): TunnelSa[] {
  const sas: TunnelSa[] = [];
  for (const { name, section } of listing) {
    const gatewayIndex = gatewayIndexOf(name);
    if (gatewayIndex === undefined) continue;
    const children = sectionsOf(getSection(section, 'child-sas') ?? new Map()).map(([, child]) => child);
    // During a rekey the old and the new CHILD_SA are both listed: one that carries traffic wins.
    const ours = children.filter((c) => getString(c, 'name') === CHILD_NAME);
    const child = ours.find((c) => CARRYING_CHILD.has(getString(c, 'state') ?? '')) ?? ours[0];
    sas.push({
      connection: name,
      gatewayIndex,
      ikeId: number(getString(section, 'uniqueid')),
      ikeState: getString(section, 'state') ?? 'UNKNOWN',
      remoteHost: getString(section, 'remote-host') ?? '',
      remoteId: getString(section, 'remote-id') ?? '',
      establishedS: number(getString(section, 'established')),
      ...(child
        ? {
            child: {
              installed: CARRYING_CHILD.has(getString(child, 'state') ?? ''),
              bytesIn: number(getString(child, 'bytes-in')),
              bytesOut: number(getString(child, 'bytes-out')),
              packetsIn: number(getString(child, 'packets-in')),
              packetsOut: number(getString(child, 'packets-out')),
            },
          }
        : {}),
    });
  }
  return sas;
}

/** The SA that carries the tunnel: a working IKE_SA with the CHILD_SA installed, newest first. */
export function carrier(sas: readonly TunnelSa[]): TunnelSa | undefined {
  return sas
    .filter((sa) => WORKING_IKE.has(sa.ikeState) && sa.child?.installed)
    .sort((a, b) => a.establishedS - b.establishedS || b.ikeId - a.ikeId)[0];
}

/** Deletes IKE_SAs by id, forced: DELETE is sent, but a gateway that may be gone is not waited for. */
export async function terminateSas(vici: Pick<TunnelVici, 'terminate'>, sas: readonly TunnelSa[], log: Pick<Logger, 'debug'>): Promise<void> {
  for (const sa of sas) {
    await vici.terminate({ ikeId: sa.ikeId, force: true, timeoutMs: 500 }).catch((error: unknown) => {
      log.debug({ err: error, ikeId: sa.ikeId }, 'terminate failed');
    });
  }
}

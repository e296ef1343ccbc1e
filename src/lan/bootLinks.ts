// The LAN side after a reboot, before the agent: the boot unit puts back what the record of owned
// links names (`<stateDir>/lan-links.json`, LanLinks keeps it): the addresses on their ports, the
// bridges with their ports, the links up. So the box's TI addresses are there when the agent,
// first thing, leads the TI prefixes into the resumed tunnel from them. The boot only adds (it
// plans as if it owned nothing, so it never deletes), and it is not what keeps the box closed
// (the firewall and the routes are): a missing port, a record it cannot read or a write the
// kernel refuses is logged, and the boot goes on. The agent converges on its own plan moments later.
import { join } from 'node:path';
import { readStateFile, type Logger } from '../core/index.ts';
import type { LanKernel } from './lanKernel.ts';
import { LINKS_STATE_FILE, parseOwned } from './lanLinks.ts';
import { linkOpText, NOTHING_OWNED, type LinkSetDesired, type OwnedLinks } from './linksModel.ts';
import { planLinkSet } from './linksPlan.ts';

/**
 * The links the record names: each bridge tibox owns with its ports and its addresses, and each
 * other device with the addresses tibox put on it.
 */
export function bootLinksDesired(owned: OwnedLinks): LinkSetDesired {
  const bridges = new Set(owned.bridges);
  const addressesOn = (dev: string) => owned.addresses.filter((a) => a.dev === dev).map((a) => a.address);
  const ports = [...new Set(owned.addresses.map((a) => a.dev))].filter((dev) => !bridges.has(dev)).sort();
  return {
    ports: ports.map((port) => ({ port, addresses: addressesOn(port) })),
    bridges: [...bridges].sort().map((bridge) => ({
      bridge,
      ports: owned.members.filter((m) => m.bridge === bridge).map((m) => m.port),
      addresses: addressesOn(bridge),
    })),
  };
}

export interface BootLinksResult {
  /** The writes made, as `ip` commands. */
  readonly writes: readonly string[];
  /** Ports the record names that the kernel does not have: their part is skipped. */
  readonly missing: readonly string[];
  /** Why the boot stopped short, if it did. */
  readonly error?: string;
}

/** Puts back the owned links the record names; never throws (see the top of this file). */
export async function restoreBootLinks(stateDir: string, kernel: Pick<LanKernel, 'read' | 'write'>, log: Logger): Promise<BootLinksResult> {
  const path = join(stateDir, LINKS_STATE_FILE);
  const writes: string[] = [];
  let missing: readonly string[] = [];
  try {
    const owned = await readRecord(path, log);
    if (!owned) return { writes, missing };
    const plan = planLinkSet(bootLinksDesired(owned), await kernel.read(), NOTHING_OWNED);
    missing = plan.missing;
    if (missing.length > 0) log.warn({ missing }, 'LAN ports missing at boot: their part skipped');
    for (const op of plan.ops) {
      await kernel.write(op);
      writes.push(linkOpText(op));
    }
    log.info({ writes }, 'owned LAN links restored');
    return { writes, missing };
  } catch (error) {
    log.error({ err: error, path, writes }, 'owned LAN links not restored: the agent puts them in place');
    return { writes, missing, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The record, or undefined (and why, in the log) when there is none fit to use. */
async function readRecord(path: string, log: Logger): Promise<OwnedLinks | undefined> {
  const text = await readStateFile(path);
  if (text === undefined) {
    log.info({ path }, 'no record of owned LAN links: nothing to restore');
    return undefined;
  }
  const owned = parseOwned(text);
  if (!owned) log.warn({ path }, 'record of owned LAN links unreadable: nothing restored');
  return owned;
}

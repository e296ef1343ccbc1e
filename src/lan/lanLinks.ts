// The LanLinks subsystem: keeps the LAN port's addresses and the terminal bridge as desired,
// repairing within a second whatever else changes them (rtnetlink events), and re-checking on a
// timer in case an event was lost. What tibox owns is saved in `<stateDir>/lan-links.json`
// before each write, so an agent restarted after a crash still knows which addresses and
// bridges are its own and never touches the others, and the boot unit puts them back after a
// reboot (bootLinks.ts). stop() leaves everything in place.
import { join } from 'node:path';
import { StateFile, WatchingSubsystem, type Logger, type PassCause, type WatchingDeps } from '../core/index.ts';
import type { LanKernel } from './lanKernel.ts';
import { linkOpText, NOTHING_OWNED, type LanLinksDesired, type OwnedLinks } from './linksModel.ts';
import { planLinks, unionOwned } from './linksPlan.ts';

export const LINKS_STATE_FILE = 'lan-links.json';

export interface LanLinksDeps extends WatchingDeps {
  readonly kernel: Pick<LanKernel, 'read' | 'write' | 'watch'>;
  /** Where the record of owned addresses and bridges is kept. */
  readonly stateDir: string;
  readonly log: Logger;
}

export class LanLinks extends WatchingSubsystem<LanLinksDesired> {
  private readonly deps: LanLinksDeps;
  private readonly stateFile: StateFile;
  /** undefined: nothing applied by this process yet, so the kernel is left as it is. */
  private desired: LanLinksDesired | null | undefined;
  private owned: OwnedLinks | undefined;
  private missing: readonly string[] = [];

  constructor(deps: LanLinksDeps) {
    super('lan-links', deps, { settleMs: 100, intervalMs: 60_000, wantingIntervalMs: 10_000 });
    this.deps = deps;
    this.stateFile = new StateFile(join(deps.stateDir, LINKS_STATE_FILE));
  }

  /** Converges on `desired`; null removes what tibox owns (uninstall, factory reset only). */
  apply(desired: LanLinksDesired | null): Promise<void> {
    const snapshot = desired === null ? null : structuredClone(desired);
    return this.serially(async (runPass) => {
      this.desired = snapshot;
      await runPass();
    });
  }

  /** Degraded while ports of the desired state are missing, naming them. */
  protected async pass(cause: PassCause): Promise<string | undefined> {
    const desired = this.desired;
    if (desired === undefined) return undefined;
    const { kernel, log } = this.deps;
    try {
      const owned = await this.loadOwned();
      const plan = planLinks(desired, await kernel.read(), owned);
      if (plan.ops.length > 0) {
        await this.saveOwned(unionOwned(owned, plan.owned));
        for (const op of plan.ops) await kernel.write(op);
        log.info({ cause, writes: plan.ops.map(linkOpText) }, 'LAN links written');
      }
      await this.saveOwned(plan.owned);
      if (plan.missing.join() !== this.missing.join() && plan.missing.length > 0) log.warn({ missing: plan.missing }, 'LAN ports missing');
      this.missing = plan.missing;
      return plan.missing.length > 0 ? `ports missing: ${plan.missing.join(', ')}` : undefined;
    } catch (error) {
      log.error({ err: error, cause }, 'could not converge the LAN links');
      throw error;
    }
  }

  private async loadOwned(): Promise<OwnedLinks> {
    if (this.owned) return this.owned;
    const text = await this.stateFile.read();
    const owned = text === undefined ? NOTHING_OWNED : parseOwned(text);
    if (!owned) this.deps.log.warn({ path: this.stateFile.path }, 'record of owned LAN links unreadable; starting without one');
    this.owned = owned ?? NOTHING_OWNED;
    return this.owned;
  }

  private async saveOwned(owned: OwnedLinks): Promise<void> {
    this.owned = owned;
    await this.stateFile.save(renderOwned(owned), this.deps.log);
  }
}

export function renderOwned(owned: OwnedLinks): string {
  return `${JSON.stringify({
    addresses: owned.addresses.map((a) => ({ dev: a.dev, address: a.address })),
    bridges: owned.bridges,
    members: owned.members.map((m) => ({ port: m.port, bridge: m.bridge })),
  })}\n`;
}

/**
 * The saved record, or undefined for a file that is not what renderOwned writes. Forgetting the
 * record is safe: tibox then deletes nothing it finds and only adds what is missing. A record
 * without members (written before they were kept) names none.
 */
export function parseOwned(text: string): OwnedLinks | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { addresses, bridges, members = [] } = (typeof value === 'object' && value !== null ? value : {}) as { addresses?: unknown; bridges?: unknown; members?: unknown };
  if (!Array.isArray(addresses) || !Array.isArray(bridges) || !Array.isArray(members) || !bridges.every((b) => typeof b === 'string')) return undefined;
  const entries = addresses.map(fields);
  if (!entries.every((e) => typeof e.dev === 'string' && typeof e.address === 'string')) return undefined;
  const ports = members.map(fields);
  if (!ports.every((m) => typeof m.port === 'string' && typeof m.bridge === 'string')) return undefined;
  return {
    addresses: entries.map((e) => ({ dev: String(e.dev), address: String(e.address) })),
    bridges: bridges as string[],
    members: ports.map((m) => ({ port: String(m.port), bridge: String(m.bridge) })),
  };
}

function fields(entry: unknown): Record<string, unknown> {
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
}

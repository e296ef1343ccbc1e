// The Lan subsystem: plans the box's LAN addresses from the VPN profile and the config, checks
// the plan against what the kernel shows of the practice (LAN and WAN addresses, main-table
// routes) before anything is applied, and hands the plan to LanLinks. While running it re-checks
// on every link, address or route change and keeps the `lan.addressCollision` health warning
// in step.
//
// When a change is refused: a collision that the change would newly bring (a new profile whose
// segment overlaps the practice LAN) refuses it with TIBOX_LAN_ADDRESS_COLLISION, and the applied
// state stays as it was. A collision that is already live (the practice renumbered its LAN under
// a running box) is a health warning, and it does not block other changes. The first apply after
// the agent starts re-applies what was accepted when it was stored, so it is never refused: its
// collisions become warnings too.
import { SerialQueue, type Health, type Logger, type Subsystem, type SubsystemStatus } from '../core/index.ts';
import { planLanAddresses, type LanAddressPlan, type SegmentHalves } from './addressPlan.ts';
import { LanError } from './errors.ts';
import type { LanKernel } from './lanKernel.ts';
import type { LanLinksDesired } from './linksModel.ts';
import { checkAddressPlan, describeFindings, refusals, type PlanCheckInput, type PlanFinding } from './planCheck.ts';

/** What the VPN profile gives the LAN plan. */
export interface LanTi {
  readonly tiSegment: string;
  readonly tiPrefixes: readonly string[];
  readonly managementPrefix: string;
  /** The datacenter gateways' addresses as the tunnel uses them (resolved). */
  readonly gateways: readonly string[];
}

export interface LanDesired {
  /** Interface names from the config (interfaces.lan, .wan, .terminals). */
  readonly ports: { readonly lan: string; readonly wan: string; readonly terminals: readonly string[] };
  /** The fixed practice-LAN address from the label, `a.b.c.d/len`; null for none. */
  readonly practiceFallback: string | null;
  /** null before a profile is imported: then only the fallback and the bridge are put in place. */
  readonly ti: LanTi | null;
}

export interface LanDeps {
  /** The adapter that converges links and addresses (LanLinks). */
  readonly links: Subsystem<LanLinksDesired>;
  readonly kernel: Pick<LanKernel, 'read' | 'routes' | 'watch'>;
  readonly health: Pick<Health, 'raise' | 'clear'>;
  readonly log: Logger;
  /** A burst of kernel events within this time gives one re-check. Default 200 ms. */
  readonly settleMs?: number;
  /** The tunnel's own devices (libipsec's TUN device): their routes are the tunnel's, not the practice's. */
  readonly tunnelDevices?: readonly string[];
}

export class Lan implements Subsystem<LanDesired> {
  readonly name = 'lan';
  private readonly deps: LanDeps;
  private applied: { desired: LanDesired; plan: LanAddressPlan } | undefined;
  /** Refusal messages already live and reported: they do not block a change. */
  private tolerated = new Set<string>();
  private reported = '';
  private readonly queue = new SerialQueue();
  private running = false;
  private unwatch: (() => void) | undefined;
  private settle: NodeJS.Timeout | undefined;
  private lastInput: PlanCheckInput | undefined;
  private lastFindings: readonly PlanFinding[] = [];

  constructor(deps: LanDeps) {
    this.deps = deps;
  }

  /**
   * Plans, checks and converges. Throws TIBOX_LAN_INVALID for settings that cannot be planned
   * and TIBOX_LAN_ADDRESS_COLLISION for a change that brings a new refusing collision; either
   * way nothing is changed. null removes what tibox owns (uninstall, factory reset only).
   */
  apply(desired: LanDesired | null): Promise<void> {
    const snapshot = desired === null ? null : structuredClone(desired);
    return this.queue.run(async () => {
      if (snapshot === null) {
        await this.deps.links.apply(null);
        this.applied = undefined;
        this.report([]);
        return;
      }
      const { plan, findings } = await this.judge(snapshot);
      // Accepted from here on: LanLinks keeps converging on it even if this first pass fails.
      this.applied = { desired: snapshot, plan };
      this.report(findings);
      await this.deps.links.apply(plan.links);
    });
  }

  /**
   * A dry run of apply: throws what apply would throw for `desired` now, changes nothing, and
   * returns every finding (warnings included). For a profile import, before it stores anything.
   */
  async check(desired: LanDesired): Promise<PlanFinding[]> {
    return (await this.judge(desired)).findings;
  }

  private async judge(desired: LanDesired): Promise<{ plan: LanAddressPlan; findings: PlanFinding[] }> {
    const plan = planOf(desired);
    const findings = await this.findings(desired, plan);
    const brought = refusals(findings).filter((f) => !this.tolerated.has(f.message));
    if (this.applied !== undefined && brought.length > 0) {
      this.deps.log.warn({ findings: brought.map((f) => f.code) }, 'LAN change refused: address collision');
      throw new LanError('TIBOX_LAN_ADDRESS_COLLISION', { reason: describeFindings(brought) }, { findings: brought });
    }
    return { plan, findings };
  }

  /**
   * The address plan as applied: the TI segment's halves (null before a profile) and every
   * collision of the last check, warnings included, each with its code and values, so the web UI
   * can say what collides and how to fix it in the page's language.
   */
  addressPlan(): { halves: SegmentHalves | null; findings: readonly PlanFinding[] } {
    return { halves: this.halves(), findings: this.lastFindings };
  }

  /** addressPlan() after a check against the kernel as it is now, for the function test: a fresh reading, not the last one. */
  async recheckAddressPlan(): Promise<{ halves: SegmentHalves | null; findings: readonly PlanFinding[] }> {
    await this.queue.run(() => this.recheck());
    return this.addressPlan();
  }

  /** The TI segment's halves as applied; null before a profile. For dnsmasq and the device inventory. */
  halves(): SegmentHalves | null {
    return this.applied?.plan.halves ?? null;
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.deps.links.start(signal);
    this.running = true;
    this.unwatch = this.deps.kernel.watch(() => this.schedule());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.unwatch = undefined;
    clearTimeout(this.settle);
    this.settle = undefined;
    await this.queue.settled();
    await this.deps.links.stop();
  }

  status(): SubsystemStatus {
    return { ...this.deps.links.status(), name: this.name };
  }

  private schedule(): void {
    if (!this.running || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.queue.run(() => this.recheck()).catch((error: unknown) => this.deps.log.warn({ err: error }, 'address plan re-check failed'));
    }, this.deps.settleMs ?? 200);
    this.settle.unref();
  }

  private async recheck(): Promise<void> {
    if (!this.applied) return;
    this.report(await this.findings(this.applied.desired, this.applied.plan));
  }

  private async findings(desired: LanDesired, plan: LanAddressPlan): Promise<PlanFinding[]> {
    const ti = desired.ti;
    if (!ti) return [];
    const { kernel } = this.deps;
    const state = await kernel.read();
    const tiAddress = plan.halves ? `${plan.halves.lanGateway}/${plan.halves.halfLength}` : undefined;
    const on = (dev: string) => state.addresses.filter((a) => a.dev === dev).map((a) => a.address);
    // The practice-LAN addresses: the lease and anything else on the port, the fallback even before it is on.
    const lan = new Set(on(desired.ports.lan).filter((a) => a !== tiAddress));
    if (desired.practiceFallback) lan.add(desired.practiceFallback);
    const input: PlanCheckInput = {
      tiSegment: ti.tiSegment,
      tiPrefixes: ti.tiPrefixes,
      managementPrefix: ti.managementPrefix,
      lan: { port: desired.ports.lan, addresses: [...lan] },
      wan: { port: desired.ports.wan, addresses: on(desired.ports.wan) },
      routes: (await kernel.routes()).filter((r) => r.dev === undefined || !this.deps.tunnelDevices?.includes(r.dev)),
      gateways: ti.gateways,
    };
    this.lastInput = input;
    return checkAddressPlan(input);
  }

  /**
   * What the address plan was last checked with (the profile's TI ranges, the practice-LAN and WAN
   * addresses, the routes); undefined before a profile. A WAN change is checked against it before
   * it is committed.
   */
  lastPlanInput(): PlanCheckInput | undefined {
    return this.applied?.desired.ti ? this.lastInput : undefined;
  }

  private report(findings: readonly PlanFinding[]): void {
    const { health, log } = this.deps;
    this.tolerated = new Set(refusals(findings).map((f) => f.message));
    this.lastFindings = findings;
    const detail = describeFindings(findings);
    if (detail !== this.reported && findings.length > 0) log.warn({ findings: findings.map((f) => f.code) }, 'address collisions');
    this.reported = detail;
    if (findings.length === 0) health.clear('lan.addressCollision');
    else health.raise('lan.addressCollision', detail);
  }
}

function planOf(desired: LanDesired): LanAddressPlan {
  return planLanAddresses({
    tiSegment: desired.ti?.tiSegment ?? null,
    lanPort: desired.ports.lan,
    terminalPorts: desired.ports.terminals,
    practiceFallback: desired.practiceFallback,
  });
}

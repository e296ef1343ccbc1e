// The WAN subsystem: the WAN port by DHCP or static (settings.ts), its address, the main table's
// default route and the resolvers the box itself uses. Each pass (after an apply, a kernel event,
// a new lease from the DHCP client's hook, when the lease runs out, and on a timer: slow while all
// is well, every few seconds while something is wanting) puts the client in step with the mode,
// plans from the settings, the lease and the kernel as it is (plan.ts), writes the difference,
// records what it owns for the boot (WAN_STATE_FILE) and rewrites the resolvers' file when they
// change. Changes made behind its back are repaired on the next pass. Its warnings (warnings.ts)
// are raised once they have held for `graceMs`. stop() leaves the port, the route and the client
// as they are: a restart of the agent never cuts the tunnel.
import { watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StateFile, WatchingSubsystem, writeFileAtomic, type Health, type Logger, type SubsystemStatus } from '../core/index.ts';
import type { WanDhcpClient } from './dhcpClient.ts';
import { wanOpText, type WanKernel } from './kernel.ts';
import { parseLease } from './lease.ts';
import { parseOwned, planWan, renderOwned, wanTarget, type WanDesired, type WanOwned, type WanTarget } from './plan.ts';
import { renderResolvConf } from './resolvConf.ts';
import { WAN_WARNING_CODES, wanConditions, type WanWarningCode } from './warnings.ts';

/** What tibox put on the WAN port, in the state directory: the boot restores it (bootWan.ts). */
export const WAN_STATE_FILE = 'wan.json';

export interface WanDeps {
  readonly kernel: WanKernel;
  readonly client: WanDhcpClient;
  readonly stateDir: string;
  /** The box's own resolv.conf, written atomically. */
  readonly resolvConf: string;
  readonly health: Health;
  readonly log: Logger;
  /** Told the resolvers whenever they change (the agent's own lookups of gateway names follow them). */
  readonly onResolvers?: (resolvers: readonly string[]) => void;
  /** The settings at start: the first pass converges on them at once. */
  readonly desiredAtStart?: () => WanDesired;
  /** How long a warning must hold before it is raised. Default 10 s. */
  readonly graceMs?: number;
  readonly settleMs?: number;
  /** Safety-net period of the pass while all is well. Default 60 s. */
  readonly intervalMs?: number;
  /** The pass's period while something is wanting (a warning in its grace time among it). Default 5 s. */
  readonly wantingIntervalMs?: number;
  readonly now?: () => Date;
}

export class Wan extends WatchingSubsystem<WanDesired> {
  private readonly deps: WanDeps;
  private readonly stateFile: StateFile;
  private readonly now: () => Date;
  /** Undefined until the first apply: a new agent leaves the port as it is until it knows the settings. */
  private desired: WanDesired | null | undefined;
  private owned: WanOwned | undefined;
  private ownedRead = false;
  private resolvers: string | undefined;
  private target: WanTarget | undefined;
  private readonly holding = new Map<WanWarningCode, number>();

  constructor(deps: WanDeps) {
    const leaseDir = dirname(deps.client.leaseFile);
    super('wan', {
      // Kernel events and a new lease file both call for a pass.
      kernel: { watch: (onChange) => combine(deps.kernel.watch(onChange), watchDirectory(leaseDir, onChange)) },
      ...(deps.settleMs === undefined ? {} : { settleMs: deps.settleMs }),
      ...(deps.intervalMs === undefined ? {} : { intervalMs: deps.intervalMs }),
      ...(deps.wantingIntervalMs === undefined ? {} : { wantingIntervalMs: deps.wantingIntervalMs }),
      ...(deps.now ? { now: deps.now } : {}),
    }, { settleMs: 100, intervalMs: 60_000, wantingIntervalMs: 5_000 });
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.stateFile = new StateFile(join(deps.stateDir, WAN_STATE_FILE));
  }

  override async start(signal: AbortSignal): Promise<void> {
    // The lease directory is watched from the start, so the first lease is taken at once.
    await mkdir(dirname(this.deps.client.leaseFile), { recursive: true, mode: 0o700 });
    await super.start(signal);
    const atStart = this.deps.desiredAtStart?.();
    if (atStart) {
      await this.apply(atStart).catch((error: unknown) => this.deps.log.error({ err: error }, 'WAN not set up at start; the next pass tries again'));
    }
  }

  apply(desired: WanDesired | null): Promise<void> {
    const snapshot = desired === null ? null : structuredClone(desired);
    return this.serially(async (runPass) => {
      this.desired = snapshot;
      await runPass();
    });
  }

  override status(): SubsystemStatus {
    const status = super.status();
    const target = this.target;
    if (status.state !== 'running' || !target?.address || this.desired == null) return status;
    const lease = target.endsAt === undefined ? '' : `, lease until ${new Date(target.endsAt).toISOString()}`;
    const dns = target.resolvers.length > 0 ? `, DNS ${target.resolvers.join(' ')}` : '';
    return { ...status, detail: `${this.desired.port} ${target.proto} ${target.address} via ${target.gateway ?? '-'}${lease}${dns}` };
  }

  protected async pass(): Promise<string | undefined> {
    const desired = this.desired;
    if (desired === undefined) return 'waiting for the settings';
    const { kernel, client, log } = this.deps;
    if (!this.ownedRead) {
      const text = await this.stateFile.read();
      this.owned = text === undefined ? undefined : parseOwned(text);
      this.ownedRead = true;
    }
    const dhcp = desired !== null && desired.settings.mode === 'dhcp';
    const clientState = await client.converge(dhcp ? desired.port : null);
    if (clientState.kind === 'moved') log.info({ pid: clientState.pid, from: clientState.from, to: desired?.port }, 'WAN DHCP client ended: its service starts it on the new port');
    const nowMs = this.now().getTime();
    const lease = dhcp ? parseLease((await client.leaseText()) ?? '') : undefined;
    const port = desired?.port ?? this.owned?.dev;
    if (port === undefined) return undefined;
    const target: WanTarget = desired === null ? { proto: 'dhcp', resolvers: [] } : wanTarget(desired.settings, lease, nowMs);
    let state = await kernel.read(port);
    // A write can take more with it (the last address of a subnet takes the routes via it): the
    // plan is made again from what the kernel then holds, until nothing is left to write.
    for (let round = 0; round < 3; round += 1) {
      const { ops, owned } = planWan(port, target, state, this.owned, nowMs);
      for (const op of ops) {
        await kernel.write(op);
        log.info({ op: wanOpText(op) }, 'WAN changed');
      }
      this.owned = owned;
      if (ops.length === 0) break;
      state = await kernel.read(port);
    }
    this.target = target;
    // A lease that runs out unrenewed takes its address with it then, event or not.
    if (target.endsAt !== undefined) this.checkAgainIn(target.endsAt - nowMs);
    await this.stateFile.save(renderOwned(this.owned ?? { dev: port }), log);
    await this.writeResolvers(target.resolvers);
    if (desired === null) return undefined;
    return this.report(port, target, state, nowMs, clientState.kind === 'absent');
  }

  private async writeResolvers(resolvers: readonly string[]): Promise<void> {
    const text = renderResolvConf(resolvers);
    if (text === this.resolvers) return;
    await mkdir(dirname(this.deps.resolvConf), { recursive: true });
    await writeFileAtomic(this.deps.resolvConf, text, { mode: 0o644 });
    this.resolvers = text;
    this.deps.log.info({ resolvers }, 'WAN resolvers written');
    this.deps.onResolvers?.(resolvers);
  }

  /** Raises what has held for the grace time, clears what no longer holds; returns why the WAN is wanting. */
  private report(port: string, target: WanTarget, state: Awaited<ReturnType<WanKernel['read']>>, nowMs: number, noClient: boolean): string | undefined {
    const { health } = this.deps;
    const holds = wanConditions(port, target, state);
    for (const code of WAN_WARNING_CODES) {
      const detail = holds.get(code);
      if (detail === undefined) {
        this.holding.delete(code);
        health.clear(code);
        continue;
      }
      const since = this.holding.get(code) ?? nowMs;
      this.holding.set(code, since);
      if (nowMs - since >= (this.deps.graceMs ?? 10_000)) health.raise(code, detail);
    }
    const wanting = [...holds.values()];
    if (noClient) wanting.push('no DHCP client running; its service starts it');
    return wanting.length > 0 ? wanting.join('; ') : undefined;
  }
}

function combine(...unwatch: (() => void)[]): () => void {
  return () => unwatch.forEach((u) => u());
}

/** A change in the directory (the hook renames a new lease into place); nothing when it does not exist yet: the timer covers it. */
function watchDirectory(dir: string, onChange: () => void): () => void {
  try {
    const watcher = watch(dir, () => onChange());
    watcher.on('error', () => onChange());
    return () => watcher.close();
  } catch {
    return () => undefined;
  }
}

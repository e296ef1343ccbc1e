// The TiRoutes subsystem: the one owner of TI routes (ARCHITECTURE.md §3). The tunnel controller
// tells it which way the TI prefixes go; it keeps the kernel there, repairing within a second
// whatever else changes the routes (rtnetlink events) and re-checking on a timer in case an
// event was lost. That includes the link state of kernel-libipsec's TUN device while the routes
// lead into it (plan.ts says why here). stop() leaves the routes in place: fail closed survives
// the agent.
import { StateFile, WatchingSubsystem, type Logger, type PassCause, type WatchingDeps } from '../../core/index.ts';
import { renderRoutesState, routesStatePath } from './bootRoutes.ts';
import type { RouteKernel } from './kernel.ts';
import type { TiRoutesDesired } from './model.ts';
import { opText } from './plan.ts';
import { reconcileRoutes } from './reconcile.ts';

export interface TiRoutesDeps extends WatchingDeps {
  readonly kernel: RouteKernel;
  /** Where the applied prefixes are saved for the boot unit (loadBootRoutes). */
  readonly stateDir: string;
  readonly log: Logger;
}

export class TiRoutes extends WatchingSubsystem<TiRoutesDesired> {
  private readonly deps: TiRoutesDeps;
  private readonly stateFile: StateFile;
  /** undefined: nothing applied by this process yet, so the routes from boot are left alone. */
  private desired: TiRoutesDesired | null | undefined;
  private fallback: string | undefined;

  constructor(deps: TiRoutesDeps) {
    super('ti-routes', deps, { settleMs: 100, intervalMs: 60_000, wantingIntervalMs: 10_000 });
    this.deps = deps;
    this.stateFile = new StateFile(routesStatePath(deps.stateDir));
  }

  /** Converges on `desired`; null removes tibox's rules and TI table (uninstall, factory reset only). */
  apply(desired: TiRoutesDesired | null): Promise<void> {
    const snapshot = desired === null ? null : structuredClone(desired);
    return this.serially(async (runPass) => {
      this.desired = snapshot;
      await runPass();
      await this.stateFile.save(renderRoutesState(snapshot?.prefixes ?? []), this.deps.log);
    });
  }

  /** Degraded while the TI prefixes are unreachable instead of tunnelled, saying why. */
  protected async pass(cause: PassCause): Promise<string | undefined> {
    const desired = this.desired;
    if (desired === undefined) return undefined;
    try {
      const { writes, linkSetUp, fallback } = await reconcileRoutes(this.deps.kernel, desired);
      // Once per occurrence: the device stays up until someone sets it down again.
      if (linkSetUp !== undefined) this.deps.log.warn({ cause, link: linkSetUp }, `${linkSetUp} was set down from outside; set up again`);
      if (writes.length > 0) this.deps.log.info({ cause, writes: writes.map(opText) }, 'TI routes written');
      if (fallback !== this.fallback && fallback !== undefined) this.deps.log.warn({ reason: fallback }, 'TI prefixes unreachable instead of tunnelled');
      this.fallback = fallback;
      return fallback;
    } catch (error) {
      this.deps.log.error({ err: error, cause }, 'could not converge the TI routes');
      throw error;
    }
  }
}

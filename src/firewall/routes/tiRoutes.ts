// The TiRoutes subsystem: the one owner of TI routes (ARCHITECTURE.md §3). The tunnel controller
// tells it which way the TI prefixes go; it keeps the kernel there, repairing within a second
// whatever else changes the routes (rtnetlink events) and re-checking on a timer in case an
// event was lost. stop() leaves the routes in place: fail closed survives the agent.
import { StateFile, WatchLoop, StateTracker, type Logger, type Subsystem, type SubsystemStatus } from '../../core/index.ts';
import { renderRoutesState, routesStatePath } from './bootRoutes.ts';
import type { RouteKernel } from './kernel.ts';
import type { TiRoutesDesired } from './model.ts';
import { opText } from './plan.ts';
import { reconcileRoutes } from './reconcile.ts';

export interface TiRoutesDeps {
  readonly kernel: RouteKernel;
  /** Where the applied prefixes are saved for the boot unit (loadBootRoutes). */
  readonly stateDir: string;
  readonly log: Logger;
  /** Safety-net reconcile period. Default 10 s. */
  readonly reconcileIntervalMs?: number;
  /** A burst of kernel events within this time gives one reconcile. Default 100 ms. */
  readonly settleMs?: number;
  readonly now?: () => Date;
}

export class TiRoutes implements Subsystem<TiRoutesDesired> {
  readonly name = 'ti-routes';
  private readonly deps: TiRoutesDeps;
  private readonly tracker: StateTracker;
  /** undefined: nothing applied by this process yet, so the routes from boot are left alone. */
  private desired: TiRoutesDesired | null | undefined;
  private readonly stateFile: StateFile;
  private readonly loop: WatchLoop;
  private fallback: string | undefined;
  private error: string | undefined;

  constructor(deps: TiRoutesDeps) {
    this.deps = deps;
    this.tracker = new StateTracker(this.name, deps.now);
    this.stateFile = new StateFile(routesStatePath(deps.stateDir));
    this.loop = new WatchLoop(() => this.reconcile('repair'), { settleMs: deps.settleMs ?? 100, intervalMs: deps.reconcileIntervalMs ?? 10_000 });
  }

  /** Converges on `desired`; null removes tibox's rules and TI table (uninstall, factory reset only). */
  apply(desired: TiRoutesDesired | null): Promise<void> {
    const snapshot = desired === null ? null : structuredClone(desired);
    return this.loop.serially(async () => {
      this.desired = snapshot;
      await this.reconcile('apply');
      await this.stateFile.write(renderRoutesState(snapshot?.prefixes ?? []));
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.loop.start((onChange) => this.deps.kernel.watch(onChange));
    this.refreshState();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.refreshState();
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  private async reconcile(cause: 'apply' | 'repair'): Promise<void> {
    const desired = this.desired;
    if (desired === undefined) return;
    try {
      const { writes, fallback } = await reconcileRoutes(this.deps.kernel, desired);
      if (writes.length > 0) this.deps.log.info({ cause, writes: writes.map(opText) }, 'TI routes written');
      if (fallback !== this.fallback && fallback !== undefined) this.deps.log.warn({ reason: fallback }, 'TI prefixes unreachable instead of tunnelled');
      this.fallback = fallback;
      this.error = undefined;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.deps.log.error({ err: error, cause }, 'could not converge the TI routes');
      throw error;
    } finally {
      this.refreshState();
    }
  }

  private refreshState(): void {
    if (!this.loop.running) this.tracker.set('stopped');
    else if (this.error !== undefined) this.tracker.set('failed', this.error);
    else if (this.fallback !== undefined) this.tracker.set('degraded', this.fallback);
    else this.tracker.set('running');
  }
}

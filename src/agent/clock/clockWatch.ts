// Watches whether the box's clock can be trusted, from chrony (which syncs it over the WAN):
// not synchronised yet is a warning (certificates cannot be judged reliably, and a tunnel refused
// for an "expired" certificate then says so in plain words); off by more than an hour is
// critical (gemSpec_Kon TIP1-A_4788). chrony not answering counts as not synchronised: on the box
// nothing else sets the clock.
import { StateTracker, type Health, type Logger, type Runner, type Lifecycle, type SubsystemStatus } from '../../core/index.ts';
import { parseTracking, type Tracking } from './chronyTracking.ts';

/** TIP1-A_4788: a clock off by more than an hour is a critical state. */
const CRITICAL_OFFSET_S = 3_600;
const CHECK_EVERY_MS = 60_000;
/** Until chrony follows a source: the warning should go as soon as it does. */
const CHECK_UNSYNCED_EVERY_MS = 2_000;

export interface ClockWatchDeps {
  runner: Runner;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  /** chronyc's options before the command, e.g. `-h <socket>` for a chronyd of its own (tests). */
  chronycOptions?: readonly string[];
  checkEveryMs?: number;
  checkUnsyncedEveryMs?: number;
  now?: () => Date;
}

export class ClockWatch implements Lifecycle {
  readonly name = 'clock';
  private readonly deps: ClockWatchDeps;
  private readonly state: StateTracker;
  private timer: NodeJS.Timeout | undefined;
  private last: Tracking | undefined;
  private running = false;

  constructor(deps: ClockWatchDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.running = true;
    // Not awaited: the tunnel must not wait for chronyc at start.
    this.checkAndSchedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** Whether the clock is synchronised, as of the last check; undefined before the first. */
  synchronised(): boolean | undefined {
    return this.last?.synchronised;
  }

  /** chrony's answer of the last check (not synchronised when it did not answer); undefined before the first. */
  tracking(): Tracking | undefined {
    return this.last;
  }

  /** Checks now and schedules the next check; one that fails is logged, and the next comes all the same. */
  private checkAndSchedule(): void {
    void this.check()
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'clock check failed'))
      .finally(() => {
        if (!this.running) return;
        const every = this.last?.synchronised ? (this.deps.checkEveryMs ?? CHECK_EVERY_MS) : (this.deps.checkUnsyncedEveryMs ?? CHECK_UNSYNCED_EVERY_MS);
        this.timer = setTimeout(() => this.checkAndSchedule(), every);
        this.timer.unref();
      });
  }

  /** Asks chrony once and raises or clears the clock warnings. */
  async check(): Promise<void> {
    const { health } = this.deps;
    let tracking: Tracking;
    try {
      const { stdout } = await this.deps.runner.run('chronyc', [...(this.deps.chronycOptions ?? []), '-c', 'tracking'], { timeoutMs: 5_000 });
      tracking = parseTracking(stdout);
    } catch (error) {
      tracking = { synchronised: false, offsetS: 0, reference: '' };
      if (this.last?.synchronised !== false) this.deps.log.warn({ err: error }, 'chrony did not answer: the clock counts as not synchronised');
    }
    const changed = tracking.synchronised !== this.last?.synchronised;
    this.last = tracking;
    const off = Math.abs(tracking.offsetS) > CRITICAL_OFFSET_S;
    if (tracking.synchronised) health.clear('clock.unsynchronised');
    else health.raise('clock.unsynchronised');
    if (off) health.raise('clock.offBy1h', `${Math.round(tracking.offsetS)} s`);
    else health.clear('clock.offBy1h');
    this.state.set(tracking.synchronised && !off ? 'running' : 'degraded', tracking.synchronised ? undefined : 'clock not synchronised');
    if (changed) this.deps.log.info({ synchronised: tracking.synchronised, reference: tracking.reference, offsetS: tracking.offsetS }, 'clock');
  }
}

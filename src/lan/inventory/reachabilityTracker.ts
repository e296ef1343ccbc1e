// Probes every registered terminal on TCP 4742 once a round, a round every interval, and keeps
// each one's reachability (reachability.ts). Transitions go to the log; while any terminal is
// unreachable the health warning 'terminal.unreachable' names them. Rounds never overlap: a slow
// round delays the next one instead of stacking probes.
import type { Health, Logger } from '../../core/index.ts';
import { initialReachability, stepReachability, type Reachability, type Transition } from './reachability.ts';
import type { ReachabilityRepository } from './reachabilityRepository.ts';
import { PROBE_TIMEOUT_MS, SICCT_PORT, type TcpProbe } from './tcpProbe.ts';

export const PROBE_INTERVAL_MS = 30_000;

export interface ProbedTerminal {
  readonly id: number;
  readonly name: string;
  readonly address: string;
}

export interface ReachabilityTrackerDeps {
  terminals: () => readonly ProbedTerminal[];
  probe: TcpProbe;
  history: ReachabilityRepository;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  now: () => Date;
  intervalMs?: number;
  timeoutMs?: number;
  /** Told after a terminal's transition is recorded (the web UI's live view follows it). */
  onTransition?: (terminalId: number, transition: Transition) => void;
}

export class ReachabilityTracker {
  private readonly deps: ReachabilityTrackerDeps;
  private readonly states = new Map<number, Reachability>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(deps: ReachabilityTrackerDeps) {
    this.deps = deps;
  }

  /** Runs a first round at once, then one every interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A round now, e.g. after a terminal was registered; after the running one if there is one, which may predate the change. */
  async kick(): Promise<void> {
    await this.running;
    await this.round();
  }

  state(id: number): Reachability | undefined {
    return this.states.get(id);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // A round that fails (the registered terminals unreadable) is logged; the next one comes all the same.
      void this.round()
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'reachability round failed'))
        .finally(() => this.schedule(this.deps.intervalMs ?? PROBE_INTERVAL_MS));
    }, delayMs);
  }

  private round(): Promise<void> {
    this.running ??= this.probeAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async probeAll(): Promise<void> {
    const { deps } = this;
    const terminals = deps.terminals();
    const current = new Set(terminals.map((t) => t.id));
    for (const id of this.states.keys()) if (!current.has(id)) this.states.delete(id);
    await Promise.all(
      terminals.map(async (terminal) => {
        const result = await deps.probe(terminal.address, SICCT_PORT, deps.timeoutMs ?? PROBE_TIMEOUT_MS);
        const now = deps.now();
        const before = this.states.get(terminal.id) ?? initialReachability(deps.history.recent(terminal.id, 1)[0], now);
        const { next, transition } = stepReachability(before, result, now);
        this.states.set(terminal.id, next);
        if (transition) {
          deps.history.record(terminal.id, transition);
          deps.onTransition?.(terminal.id, transition);
          deps.log.info({ terminal: terminal.name, address: terminal.address, ...transition }, 'terminal reachability changed');
        }
      }),
    );
    this.updateHealth(terminals);
  }

  private updateHealth(terminals: readonly ProbedTerminal[]): void {
    const down = terminals.filter((t) => this.states.get(t.id)?.state === 'unreachable');
    if (down.length === 0) this.deps.health.clear('terminal.unreachable');
    else this.deps.health.raise('terminal.unreachable', down.map((t) => `${t.name} (${t.address})`).join(', '));
  }
}

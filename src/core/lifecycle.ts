// The lifecycle contract every subsystem follows (ARCHITECTURE.md §4):
// - the constructor stores its dependencies and does nothing else;
// - start(signal) begins watching and reconciling; the signal aborts a start that hangs;
// - stop() stops watching and removes its own listeners, and leaves applied kernel state
//   (firewall table, fail-closed routes) in place: only apply(null) tears down;
// - apply(desired) converges on the desired state and may be called many times with the same
//   input: a repeat call changes nothing.

export type SubsystemState = 'stopped' | 'starting' | 'running' | 'degraded' | 'failed';

export interface SubsystemStatus {
  name: string;
  state: SubsystemState;
  /** ISO time of the last state change. */
  since: string;
  /** A short plain-words explanation where the state needs one. */
  detail?: string;
}

export interface Lifecycle {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  status(): SubsystemStatus;
}

export interface Subsystem<Desired> extends Lifecycle {
  apply(desired: Desired | null): Promise<void>;
}

/** Keeps a subsystem's state and the time it last changed; subsystems compose it. */
export class StateTracker {
  private current: SubsystemStatus;
  private readonly now: () => Date;

  constructor(name: string, now: () => Date = () => new Date()) {
    this.now = now;
    this.current = { name, state: 'stopped', since: now().toISOString() };
  }

  set(state: SubsystemState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    const since = state === this.current.state ? this.current.since : this.now().toISOString();
    this.current = { name: this.current.name, state, since, ...(detail === undefined ? {} : { detail }) };
  }

  get(): SubsystemStatus {
    return { ...this.current };
  }
}

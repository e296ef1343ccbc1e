// The agent's link to charon over VICI as a lifecycle: the session connects in the background
// and reconnects whenever charon restarts (systemd, or the lab, starts charon again); the
// tunnel controller reloads everything into a fresh charon on each 'connected'.
import type { Logger } from '../agent/log.ts';
import { StateTracker, type Lifecycle, type SubsystemStatus } from '../agent/subsystem.ts';
import { ViciSession } from './vici/index.ts';

export class CharonLink implements Lifecycle {
  readonly name = 'charon';
  readonly session: ViciSession;
  private readonly state: StateTracker;

  constructor(deps: { socketPath: string; log: Logger; now?: () => Date }) {
    this.session = new ViciSession({ socketPath: deps.socketPath, log: deps.log, reconnectMaxMs: 500 });
    this.state = new StateTracker(this.name, deps.now);
    this.session.on('connected', () => this.state.set('running'));
    this.session.on('disconnected', (reason) => this.state.set('degraded', `charon not reachable: ${reason.message}`));
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.state.set('degraded', 'connecting to charon');
    this.session.start();
  }

  async stop(): Promise<void> {
    await this.session.stop();
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }
}

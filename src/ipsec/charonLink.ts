// The agent's link to charon over VICI as a lifecycle: the session connects in the background
// and reconnects whenever charon restarts (systemd, or the lab, starts charon again); the
// tunnel controller reloads everything into a fresh charon on each 'connected'.
import { StateTracker, type Logger, type Lifecycle, type SubsystemStatus } from '../core/index.ts';
import { ViciSession } from './vici/index.ts';
import { backendFromPlugins, type KernelBackend } from './tunnel/backend.ts';

export class CharonLink implements Lifecycle {
  readonly name = 'charon';
  readonly session: ViciSession;
  private readonly state: StateTracker;
  /** The kernel back end of the charon now connected, asked once per connection. */
  private kernelBackend: Promise<KernelBackend | undefined> | undefined;

  constructor(deps: { socketPath: string; log: Logger; now?: () => Date }) {
    this.session = new ViciSession({ socketPath: deps.socketPath, log: deps.log, reconnectMaxMs: 500 });
    this.state = new StateTracker(this.name, deps.now);
    this.session.on('connected', () => this.state.set('running'));
    this.session.on('disconnected', (reason) => {
      this.kernelBackend = undefined;
      this.state.set('degraded', `charon not reachable: ${reason.message}`);
    });
  }

  /**
   * Which kernel back end charon loaded (its plugin list), or undefined while that is unknown
   * (not connected, or charon did not say): then nothing may be routed into the tunnel.
   */
  backend(): Promise<KernelBackend | undefined> {
    if (!this.session.isConnected) return Promise.resolve(undefined);
    this.kernelBackend ??= this.session.stats().then(
      (stats) => backendFromPlugins(stats.plugins),
      () => {
        this.kernelBackend = undefined;
        return undefined;
      },
    );
    return this.kernelBackend;
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

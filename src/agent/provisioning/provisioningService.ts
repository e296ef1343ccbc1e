// The agent's view of the provisioning file: read at start and again whenever the file changes in
// the data directory (a box provisioned while the agent runs shows it at once), never written.
// A box without usable provisioning data runs all the same: this service says so as a health
// warning and refuses only what needs the data, today the check of the web UI's initial password.
import { watch, type FSWatcher } from 'node:fs';
import { SerialQueue, StateTracker, TiboxError, type Health, type Lifecycle, type Logger, type SubsystemStatus } from '../../core/index.ts';
import { verifyPassword } from './password.ts';
import { PROVISIONING_FILE } from './provisioningFile.ts';
import { readProvisioning, type ProvisioningState } from './readProvisioning.ts';

/** What `tibox status` and the control API show: no password hash. */
export type ProvisioningSummary =
  | { state: 'provisioned'; serial: string; provisionedAt: string }
  | { state: 'missing' }
  | { state: 'unreadable'; reason: string };

export interface ProvisioningServiceDeps {
  dataDir: string;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  now?: () => Date;
}

export class ProvisioningService implements Lifecycle {
  readonly name = 'provisioning';
  private readonly deps: ProvisioningServiceDeps;
  private readonly state: StateTracker;
  private readonly reads = new SerialQueue();
  private current: ProvisioningState | undefined;
  private watcher: FSWatcher | undefined;

  constructor(deps: ProvisioningServiceDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.state.set('starting');
    this.watchDirectory();
    await this.reads.run(() => this.read());
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    await this.reads.settled();
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  summary(): ProvisioningSummary {
    const current = this.current ?? { state: 'missing' };
    if (current.state !== 'provisioned') return current.state === 'missing' ? { state: 'missing' } : { state: 'unreadable', reason: current.reason };
    const { serial, provisionedAt } = current.provisioning;
    return { state: 'provisioned', serial, provisionedAt };
  }

  /**
   * Whether `password` is the box's initial web UI password, for the web UI's first login. Throws
   * TIBOX_NOT_PROVISIONED when the box has no usable provisioning data: then no password is right.
   */
  async checkInitialPassword(password: string): Promise<boolean> {
    const current = this.current;
    if (current?.state !== 'provisioned') {
      throw new TiboxError('TIBOX_NOT_PROVISIONED', { reason: current?.state === 'unreadable' ? current.reason : 'no provisioning file' });
    }
    return await verifyPassword(current.provisioning.initialPassword, password);
  }

  // The directory, not the file: the factory step replaces the file by a rename, and a watch on
  // the file would follow the old one. Events for other files (the database's) are ignored.
  private watchDirectory(): void {
    try {
      this.watcher = watch(this.deps.dataDir, { persistent: false }, (_event, name) => {
        if (name !== PROVISIONING_FILE) return;
        void this.reads.run(() => this.read()).catch((error: unknown) => this.deps.log.error({ err: error }, 'provisioning file not read again'));
      });
      this.watcher.on('error', (error) => this.deps.log.warn({ err: error }, 'the data directory is no longer watched for provisioning'));
    } catch (error) {
      // Read once all the same: only a later change would go unnoticed until the next start.
      this.deps.log.warn({ err: error, dir: this.deps.dataDir }, 'the data directory cannot be watched for provisioning');
    }
  }

  private async read(): Promise<void> {
    const next = await readProvisioning(this.deps.dataDir);
    const { health, log } = this.deps;
    const before = this.current;
    this.current = next;
    if (next.state === 'provisioned') {
      health.clear('provisioning.missing');
      health.clear('provisioning.unreadable');
      this.state.set('running');
      if (before?.state !== 'provisioned' || before.provisioning.serial !== next.provisioning.serial) {
        log.info({ serial: next.provisioning.serial, provisionedAt: next.provisioning.provisionedAt }, 'provisioned');
      }
    } else if (next.state === 'missing') {
      health.clear('provisioning.unreadable');
      health.raise('provisioning.missing');
      this.state.set('degraded', 'not provisioned: no serial number, no initial password');
      if (before?.state !== 'missing') log.warn('not provisioned: no provisioning file');
    } else {
      health.clear('provisioning.missing');
      health.raise('provisioning.unreadable', next.reason);
      this.state.set('degraded', 'provisioning data unreadable');
      if (before?.state !== 'unreadable' || before.reason !== next.reason) log.error({ reason: next.reason }, 'provisioning file unreadable');
    }
  }
}

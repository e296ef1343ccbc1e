// The box's practice-LAN address by DHCP from the practice router: the agent supervises busybox
// udhcpc on the LAN port (restarted with backoff when it exits). Its lease hook, written by the
// agent, puts the leased address on the port with the lease's lifetime, so the kernel drops it
// by itself when the lease runs out, also when the agent is gone. The hook never adds a route or
// a resolver (the box's default route and DNS are the WAN's) and never flushes the port (it also
// carries tibox's own addresses, which LanLinks keeps; LanLinks in turn never touches an address
// with a lifetime). stop() ends the client and keeps the address until its lease runs out.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SerialQueue, writeFileAtomic, StateTracker, type Logger, type ProcessHandle, type StartOptions, type Subsystem, type SubsystemStatus,
} from '../core/index.ts';

export const DHCP_HOOK_FILE = 'practice-dhcp-hook';

export interface PracticeDhcpDesired {
  /** The LAN port (config interfaces.lan). */
  readonly port: string;
}

export interface PracticeDhcpDeps {
  readonly startProcess: (command: string, args: readonly string[], options?: StartOptions) => ProcessHandle;
  /** Where the agent writes the lease hook: root-only, on a filesystem that allows executing it. */
  readonly hookDir: string;
  readonly log: Logger;
  /** Backoff between restarts, doubling from `first` to `max`. Default 1 s to 60 s. */
  readonly restartDelayMs?: { readonly first: number; readonly max: number };
  readonly now?: () => Date;
}

/** The lease hook udhcpc runs with the event as $1 and the lease in its environment. */
export function renderDhcpHook(): string {
  return `#!/bin/sh
# tibox: practice-LAN lease hook for busybox udhcpc, written by the agent.
# The leased address goes on the LAN port with the lease's lifetime; no route, no resolver, no
# flush: the default route and DNS are the WAN's, and the port also carries tibox's own addresses.
case "$1" in
  bound|renew)
    ip -4 addr replace "$ip/$mask" dev "$interface" valid_lft "\${lease:-3600}" preferred_lft "\${lease:-3600}" || exit 1
    echo "lease $1 $ip/$mask \${lease:-3600}"
    ;;
  *)
    echo "lease $1"
    ;;
esac
exit 0
`;
}

/** udhcpc in the foreground on `port`; the hook reports to stdout, which the agent logs. */
export function dhcpClientArgs(port: string, hookPath: string): string[] {
  return ['udhcpc', '-f', '-i', port, '-s', hookPath, '-t', '3', '-T', '3', '-A', '20'];
}

/** A client that ran this long before it exited starts again without waiting. */
const STABLE_RUN_MS = 60_000;
/** udhcpc ends at once on SIGTERM; one that does not is killed after this. */
const STOP_TIMEOUT_MS = 5_000;

export class PracticeDhcp implements Subsystem<PracticeDhcpDesired> {
  readonly name = 'practice-dhcp';
  private readonly deps: PracticeDhcpDeps;
  private readonly tracker: StateTracker;
  private desired: PracticeDhcpDesired | null = null;
  private running = false;
  private client: { handle: ProcessHandle; port: string } | undefined;
  private restart: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly queue = new SerialQueue();

  constructor(deps: PracticeDhcpDeps) {
    this.deps = deps;
    this.tracker = new StateTracker(this.name, deps.now);
  }

  /** The port to ask on; a new port restarts the client there, null ends it (the lease runs out). */
  apply(desired: PracticeDhcpDesired | null): Promise<void> {
    this.desired = desired === null ? null : { ...desired };
    return this.queue.run(() => this.converge());
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.running = true;
    await this.queue.run(() => this.converge());
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.queue.run(() => this.converge());
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  private async converge(): Promise<void> {
    const want = this.running ? this.desired : null;
    if (this.client && this.client.port !== want?.port) await this.end(this.client);
    clearTimeout(this.restart);
    this.restart = undefined;
    if (!want) {
      this.tracker.set('stopped');
      return;
    }
    if (this.client) return;
    const hookPath = join(this.deps.hookDir, DHCP_HOOK_FILE);
    try {
      // Written before every start: a hook someone removed or changed comes back as it must be.
      await mkdir(this.deps.hookDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(hookPath, renderDhcpHook(), { mode: 0o700 });
      this.launch(want.port, hookPath);
    } catch (error) {
      this.deps.log.error({ err: error }, 'DHCP client for the practice LAN could not be started');
      this.scheduleRestart(`could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private launch(port: string, hookPath: string): void {
    const { log } = this.deps;
    const startedAt = Date.now();
    const handle = this.deps.startProcess('busybox', dhcpClientArgs(port, hookPath), {
      onStdoutLine: (line) => {
        if (line.startsWith('lease ')) log.info({ port, event: line.slice(6) }, 'practice-LAN lease');
      },
    });
    const client = { handle, port };
    this.client = client;
    this.tracker.set('running', `DHCP client on ${port}`);
    void handle.exited
      .then(({ code, signal }) => {
        if (this.client !== client) return;
        this.client = undefined;
        if (Date.now() - startedAt >= STABLE_RUN_MS) this.failures = 0;
        log.warn({ port, code, signal }, 'DHCP client for the practice LAN exited');
        return this.queue.run(async () => this.scheduleRestart(`exited with ${code ?? signal}`));
      })
      .catch((error: unknown) => log.error({ err: error }, 'DHCP client restart not scheduled'));
  }

  private scheduleRestart(why: string): void {
    if (!this.running || !this.desired || this.restart) return;
    const { first, max } = this.deps.restartDelayMs ?? { first: 1_000, max: 60_000 };
    const delay = Math.min(max, first * 2 ** this.failures);
    this.failures++;
    this.tracker.set('degraded', `DHCP client ${why}; restarting in ${Math.round(delay / 1000)} s`);
    this.restart = setTimeout(() => {
      this.restart = undefined;
      void this.queue.run(() => this.converge()).catch((error: unknown) => this.deps.log.error({ err: error }, 'DHCP client for the practice LAN not restarted'));
    }, delay);
    this.restart.unref();
  }

  private async end(client: { handle: ProcessHandle; port: string }): Promise<void> {
    this.client = undefined;
    client.handle.kill('SIGTERM');
    const killer = setTimeout(() => client.handle.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await client.handle.exited;
    clearTimeout(killer);
  }
}

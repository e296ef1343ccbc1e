// The box's practice-LAN address by DHCP from the practice router. The DHCP client (busybox
// udhcpc) runs as its own service (bin/tibox-practice-dhcp, ARCHITECTURE.md §3), never as the
// agent's child, so killing the agent leaves exactly one client on the port. The agent writes the
// port to ask on and the lease hook into the hook directory, and ends a client that asks on
// another port: its service starts it again on the new one. A watch on a timer does the same
// against what runs (and writes back a file someone removed), and the status says whether a
// client runs. The lease hook puts the leased address on the port with the lease's lifetime, so
// the kernel drops it by itself when the lease runs out, also when the agent is gone. The hook
// never adds a route or a resolver (the box's default route and DNS are the WAN's) and never
// flushes the port (it also carries tibox's own addresses, which LanLinks keeps; LanLinks in turn
// never touches an address with a lifetime). stop() leaves the client running.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ComponentProcess, SerialQueue, StateTracker, writeFileAtomic, type Component, type Logger, type RunningComponent, type Subsystem, type SubsystemStatus,
} from '../core/index.ts';

/** The files in the hook directory, as bin/tibox-practice-dhcp reads them. */
export const PRACTICE_DHCP_FILES = { hook: 'practice-dhcp-hook', port: 'practice-dhcp-port', pid: 'practice-dhcp.pid' } as const;

/** The command line of the client's service: the box's systemd unit, the lab's supervisor. */
export function practiceDhcpCommand(hookDir: string): [string, ...string[]] {
  return [fileURLToPath(new URL('../../bin/tibox-practice-dhcp', import.meta.url)), hookDir];
}

/** The running client of this hook directory: its pid file, and our hook on its command line. */
export function practiceDhcpComponent(hookDir: string): ComponentProcess {
  return new ComponentProcess({ pidFile: join(hookDir, PRACTICE_DHCP_FILES.pid), marker: join(hookDir, PRACTICE_DHCP_FILES.hook) });
}

export interface PracticeDhcpDesired {
  /** The LAN port (config interfaces.lan). */
  readonly port: string;
}

export interface PracticeDhcpDeps {
  /** Where the agent writes the port and the lease hook: root-only, on a filesystem that allows executing it. */
  readonly hookDir: string;
  readonly log: Logger;
  /** The running client; the process of this hook directory unless a test gives its own. */
  readonly component?: Component;
  /** How often the watch looks at the client. Default 5 s. */
  readonly watchMs?: number;
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

export class PracticeDhcp implements Subsystem<PracticeDhcpDesired> {
  readonly name = 'practice-dhcp';
  private readonly deps: PracticeDhcpDeps;
  private readonly component: Component;
  private readonly tracker: StateTracker;
  private readonly queue = new SerialQueue();
  /** Undefined until the first apply: a new agent leaves the client alone until it knows the port. */
  private desired: PracticeDhcpDesired | null | undefined;
  private watch: NodeJS.Timeout | undefined;
  private lastPid: number | undefined;

  constructor(deps: PracticeDhcpDeps) {
    this.deps = deps;
    this.component = deps.component ?? practiceDhcpComponent(deps.hookDir);
    this.tracker = new StateTracker(this.name, deps.now);
  }

  /** The port to ask on; a client on another port is ended (its service starts it on this one); null ends it. */
  apply(desired: PracticeDhcpDesired | null): Promise<void> {
    this.desired = desired === null ? null : { ...desired };
    return this.queue.run(() => this.converge());
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.watch = setInterval(() => {
      void this.queue.run(() => this.converge()).catch((error: unknown) => this.deps.log.error({ err: error }, 'DHCP client for the practice LAN not checked'));
    }, this.deps.watchMs ?? 5_000);
    this.watch.unref();
    await this.queue.run(() => this.converge());
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    this.watch = undefined;
    await this.queue.run(async () => this.tracker.set('stopped'));
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  private async converge(): Promise<void> {
    const want = this.desired;
    const { hookDir, log } = this.deps;
    const portFile = join(hookDir, PRACTICE_DHCP_FILES.port);
    if (want === undefined) {
      const client = await this.component.find();
      this.tracker.set(client ? 'running' : 'starting', client ? `DHCP client on ${portOf(client) ?? 'an unknown port'}` : 'no DHCP client running yet');
      return;
    }
    if (want === null) {
      // Without its port file the service waits instead of starting the client again.
      await rm(portFile, { force: true });
      const ended = await this.component.signal('SIGTERM');
      if (ended) log.info({ pid: ended.pid }, 'DHCP client for the practice LAN ended: no DHCP on the practice LAN');
      this.tracker.set('stopped', 'no DHCP on the practice LAN');
      return;
    }
    await mkdir(hookDir, { recursive: true, mode: 0o700 });
    // Compared with the files as they are: a hook someone removed or changed comes back as it must be.
    await writeIfChanged(join(hookDir, PRACTICE_DHCP_FILES.hook), renderDhcpHook(), 0o700);
    await writeIfChanged(portFile, `${want.port}\n`, 0o600);
    const client = await this.component.find();
    if (client && portOf(client) !== want.port) {
      await this.component.signal('SIGTERM');
      log.info({ pid: client.pid, from: portOf(client), to: want.port }, 'DHCP client for the practice LAN ended: its service starts it on the new port');
      this.tracker.set('starting', `DHCP client moving to ${want.port}`);
      return;
    }
    if (!client) {
      this.tracker.set('degraded', `no DHCP client running on ${want.port}; its service starts it`);
      return;
    }
    if (this.lastPid !== undefined && client.pid !== this.lastPid) log.info({ before: this.lastPid, pid: client.pid }, 'DHCP client for the practice LAN runs as a new process');
    this.lastPid = client.pid;
    this.tracker.set('running', `DHCP client on ${want.port}`);
  }
}

/** The port a running udhcpc asks on: the argument after -i. */
function portOf(client: RunningComponent): string | undefined {
  const at = client.args.indexOf('-i');
  return at < 0 ? undefined : client.args[at + 1];
}

async function writeIfChanged(path: string, text: string, mode: number): Promise<void> {
  if ((await readFile(path, 'utf8').catch(() => undefined)) === text) return;
  await writeFileAtomic(path, text, { mode });
}

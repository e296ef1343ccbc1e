// The WAN's DHCP client: busybox udhcpc as its own service (bin/tibox-wan-dhcp; ARCHITECTURE.md §3),
// never the agent's child, so a restart of the agent leaves exactly one client on the port and the
// lease in force. The agent writes the port to ask on and the lease hook into the hook directory;
// the hook only reports: it writes the lease to a file there, and the WAN subsystem puts the
// address, the default route and the resolvers in place itself, so the kernel holds what the
// agent planned and nothing else. A client on the wrong port is ended (its service starts it on
// the right one); in static mode the port file goes and the client is ended (its service waits).
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComponentProcess, writeFileAtomic, type Component, type RunningComponent } from '../core/index.ts';

/** The files in the hook directory, as bin/tibox-wan-dhcp and the hook read and write them. */
export const WAN_DHCP_FILES = { hook: 'wan-dhcp-hook', port: 'wan-dhcp-port', pid: 'wan-dhcp.pid', lease: 'wan-lease' } as const;

/** The command line of the client's service: the box's systemd unit, the lab's supervisor. */
export function wanDhcpCommand(hookDir: string): [string, ...string[]] {
  return [fileURLToPath(new URL('../../bin/tibox-wan-dhcp', import.meta.url)), hookDir];
}

/** The running client of this hook directory: its pid file, and our hook on its command line. */
export function wanDhcpComponent(hookDir: string): ComponentProcess {
  return new ComponentProcess({ pidFile: join(hookDir, WAN_DHCP_FILES.pid), marker: join(hookDir, WAN_DHCP_FILES.hook) });
}

/**
 * The lease hook udhcpc runs with the event as $1 and the lease in its environment. bound and renew
 * replace the lease file whole (temp file, rename); a NAK removes it (the server took the address
 * back). Other events (deconfig at the client's start, leasefail) leave the last lease, which
 * stays in force until it ends: a restarted client does not cut the tunnel.
 */
export function renderWanLeaseHook(): string {
  return `#!/bin/sh
# tibox: WAN lease hook for busybox udhcpc, written by the agent. It only reports the lease to
# the agent (a file beside this hook); the agent configures the port, the route and the resolvers.
dir=\${0%/*}
case "$1" in
  bound|renew)
    printf 'ip=%s\\nmask=%s\\nrouter=%s\\ndns=%s\\nlease=%s\\nat=%s\\n' "$ip" "$mask" "\${router%% *}" "$dns" "\${lease:-3600}" "$(date +%s)" >"$dir/${WAN_DHCP_FILES.lease}.tmp" || exit 1
    mv -f "$dir/${WAN_DHCP_FILES.lease}.tmp" "$dir/${WAN_DHCP_FILES.lease}" || exit 1
    ;;
  nak)
    rm -f "$dir/${WAN_DHCP_FILES.lease}"
    ;;
esac
exit 0
`;
}

/** What the client did in one pass, for the status and the log. */
export type ClientState = { kind: 'running'; pid: number } | { kind: 'moved'; pid: number; from: string | undefined } | { kind: 'absent' } | { kind: 'ended'; pid?: number };

export class WanDhcpClient {
  private readonly hookDir: string;
  private readonly component: Component;

  constructor(hookDir: string, component?: Component) {
    this.hookDir = hookDir;
    this.component = component ?? wanDhcpComponent(hookDir);
  }

  get leaseFile(): string {
    return join(this.hookDir, WAN_DHCP_FILES.lease);
  }

  /** The lease file's text; undefined when there is none. */
  async leaseText(): Promise<string | undefined> {
    return readFile(this.leaseFile, 'utf8').catch(() => undefined);
  }

  /** The client asks on `port`; null: no client (static mode), and no lease left to take. */
  async converge(port: string | null): Promise<ClientState> {
    const portFile = join(this.hookDir, WAN_DHCP_FILES.port);
    if (port === null) {
      // Without its port file the service waits instead of starting the client again.
      await rm(portFile, { force: true });
      await rm(this.leaseFile, { force: true });
      const ended = await this.component.signal('SIGTERM');
      return ended ? { kind: 'ended', pid: ended.pid } : { kind: 'ended' };
    }
    await mkdir(this.hookDir, { recursive: true, mode: 0o700 });
    // Compared with the files as they are: a hook someone removed or changed comes back as it must be.
    await writeIfChanged(join(this.hookDir, WAN_DHCP_FILES.hook), renderWanLeaseHook(), 0o700);
    const portChanged = await writeIfChanged(portFile, `${port}\n`, 0o600);
    // A lease of another port is no lease of this one.
    if (portChanged) await rm(this.leaseFile, { force: true });
    const client = await this.component.find();
    if (!client) return { kind: 'absent' };
    if (portOf(client) !== port) {
      await this.component.signal('SIGTERM');
      return { kind: 'moved', pid: client.pid, from: portOf(client) };
    }
    return { kind: 'running', pid: client.pid };
  }
}

/** The port a running udhcpc asks on: the argument after -i. */
function portOf(client: RunningComponent): string | undefined {
  const at = client.args.indexOf('-i');
  return at < 0 ? undefined : client.args[at + 1];
}

async function writeIfChanged(path: string, text: string, mode: number): Promise<boolean> {
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await writeFileAtomic(path, text, { mode });
  return before !== undefined;
}

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.ts';
import type { ProcessHandle, StartOptions } from '../../../src/core/runner.ts';
import { DHCP_HOOK_FILE, dhcpClientArgs, PracticeDhcp, renderDhcpHook } from '../../../src/lan/practiceDhcp.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('renderDhcpHook', () => {
  it('puts the lease on the port with its lifetime and never adds a route, a resolver or a flush', () => {
    expect(renderDhcpHook()).toBe(`#!/bin/sh
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
`);
  });

  it('runs udhcpc in the foreground on the port with the hook', () => {
    expect(dhcpClientArgs('lan0', '/run/tibox/practice-dhcp-hook')).toEqual(['udhcpc', '-f', '-i', 'lan0', '-s', '/run/tibox/practice-dhcp-hook', '-t', '3', '-T', '3', '-A', '20']);
  });
});

/** A fake process table: each start is recorded; a test ends a process as if it exited. */
class FakeProcesses {
  readonly started: { args: readonly string[]; options: StartOptions | undefined; killed: string[]; exit: (code: number | null) => void }[] = [];

  start = (command: string, args: readonly string[], options?: StartOptions): ProcessHandle => {
    let exit: (code: number | null) => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      exit = (code) => resolve({ code, signal: null });
    });
    const entry = { args: [command, ...args], options, killed: [] as string[], exit };
    this.started.push(entry);
    return { pid: 1000 + this.started.length, exited, kill: (signal = 'SIGTERM') => (entry.killed.push(signal), exit(null)) };
  };
}

function setup() {
  const hookDir = join(mkdtempSync(join(tmpdir(), 'tibox-dhcp-')), 'run');
  dirs.push(join(hookDir, '..'));
  const processes = new FakeProcesses();
  const lines: string[] = [];
  const log = createLogger({ destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(String(c)), cb()) }) });
  const dhcp = new PracticeDhcp({ startProcess: processes.start, hookDir, log, restartDelayMs: { first: 10, max: 40 } });
  return { processes, dhcp, hookDir, lines };
}

const until = async (check: () => boolean, ms = 1_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('PracticeDhcp', () => {
  it('writes the hook root-only and starts one client on the port once started', async () => {
    const { processes, dhcp, hookDir } = setup();
    await dhcp.apply({ port: 'lan0' });
    expect(processes.started).toEqual([]);
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    const hook = join(hookDir, DHCP_HOOK_FILE);
    expect(processes.started.map((p) => p.args)).toEqual([['busybox', ...dhcpClientArgs('lan0', hook)]]);
    expect(readFileSync(hook, 'utf8')).toBe(renderDhcpHook());
    expect(statSync(hook).mode & 0o777).toBe(0o700);
    expect(dhcp.status()).toMatchObject({ state: 'running', detail: 'DHCP client on lan0' });
  });

  it('logs the lease events the hook prints', async () => {
    const { processes, dhcp, lines } = setup();
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    processes.started[0]?.options?.onStdoutLine?.('lease bound 192.168.1.57/24 3600');
    processes.started[0]?.options?.onStdoutLine?.('udhcpc: sending discover');
    expect(lines.filter((l) => l.includes('practice-LAN lease')).map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['bound 192.168.1.57/24 3600']);
  });

  it('restarts a client that exits, waiting longer each time', async () => {
    const { processes, dhcp } = setup();
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    const t0 = Date.now();
    processes.started[0]?.exit(1);
    await until(() => processes.started.length === 2);
    expect(dhcp.status().state).toBe('running');
    processes.started[1]?.exit(1);
    await until(() => dhcp.status().state === 'degraded');
    expect(dhcp.status().detail).toMatch(/^DHCP client exited with 1; restarting in \d+ s$/);
    await until(() => processes.started.length === 3);
    expect(processes.started).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
  });

  it('moves the client to a new port and ends it on stop, keeping nothing running', async () => {
    const { processes, dhcp } = setup();
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    await dhcp.apply({ port: 'lan1' });
    expect(processes.started.map((p) => [p.args[4], p.killed])).toEqual([
      ['lan0', ['SIGTERM']],
      ['lan1', []],
    ]);
    await dhcp.stop();
    expect(processes.started[1]?.killed).toEqual(['SIGTERM']);
    await new Promise((r) => setTimeout(r, 30));
    expect(processes.started).toHaveLength(2);
    expect(dhcp.status().state).toBe('stopped');
  });

  it('ends the client on apply(null)', async () => {
    const { processes, dhcp } = setup();
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    await dhcp.apply(null);
    expect(processes.started[0]?.killed).toEqual(['SIGTERM']);
    expect(dhcp.status().state).toBe('stopped');
  });
});

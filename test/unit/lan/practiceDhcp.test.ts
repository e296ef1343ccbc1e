import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.ts';
import { PRACTICE_DHCP_FILES, PracticeDhcp, renderDhcpHook } from '../../../src/lan/practiceDhcp.ts';
import { waitFor } from '../../integration/waitFor.ts';
import { FakeComponent } from '../core/fakeComponent.ts';

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
});

const clientArgs = (hookDir: string, port: string) => [
  'busybox', 'udhcpc', '-f', '-i', port, '-s', join(hookDir, PRACTICE_DHCP_FILES.hook), '-p', join(hookDir, PRACTICE_DHCP_FILES.pid), '-t', '3', '-T', '3', '-A', '20',
];

function setup(options: { running?: boolean } = {}) {
  const hookDir = join(mkdtempSync(join(tmpdir(), 'tibox-dhcp-')), 'hooks');
  dirs.push(join(hookDir, '..'));
  const service = new FakeComponent(clientArgs(hookDir, 'lan0'), options);
  const dhcp = new PracticeDhcp({ hookDir, component: service, log: createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) }), watchMs: 10 });
  return { service, dhcp, hookDir };
}

describe('PracticeDhcp', () => {
  it('writes the hook and the port root-only for the client\'s service, and reports the client that runs', async () => {
    const { service, dhcp, hookDir } = setup();
    await dhcp.apply({ port: 'lan0' });
    const hook = join(hookDir, PRACTICE_DHCP_FILES.hook);
    const port = join(hookDir, PRACTICE_DHCP_FILES.port);
    expect([readFileSync(hook, 'utf8'), readFileSync(port, 'utf8')]).toEqual([renderDhcpHook(), 'lan0\n']);
    expect([statSync(hookDir).mode & 0o777, statSync(hook).mode & 0o777, statSync(port).mode & 0o777]).toEqual([0o700, 0o700, 0o600]);
    expect(service.events).toEqual([]);
    expect(dhcp.status()).toMatchObject({ state: 'running', detail: 'DHCP client on lan0' });
  });

  it('has the client that asks on another port ended: its service starts it on the new one', async () => {
    const { service, dhcp, hookDir } = setup();
    service.restarts = false;
    await dhcp.apply({ port: 'lan1' });
    expect(service.events).toEqual(['SIGTERM 1000']);
    expect(readFileSync(join(hookDir, PRACTICE_DHCP_FILES.port), 'utf8')).toBe('lan1\n');
    expect(dhcp.status()).toMatchObject({ state: 'starting', detail: 'DHCP client moving to lan1' });
    service.revive(clientArgs(hookDir, 'lan1'));
    await dhcp.apply({ port: 'lan1' });
    expect(service.events).toEqual(['SIGTERM 1000', 'start 1001']);
    expect(dhcp.status()).toMatchObject({ state: 'running', detail: 'DHCP client on lan1' });
  });

  it('says when no client runs, and writes back a hook someone removed, on its watch', async () => {
    const { service, dhcp, hookDir } = setup({ running: false });
    await dhcp.start(AbortSignal.timeout(1_000));
    await dhcp.apply({ port: 'lan0' });
    expect(dhcp.status()).toMatchObject({ state: 'degraded', detail: 'no DHCP client running on lan0; its service starts it' });
    rmSync(join(hookDir, PRACTICE_DHCP_FILES.hook));
    service.revive();
    await waitFor(() => expect(dhcp.status().state).toBe('running'), 1_000, 5);
    await waitFor(() => expect(readFileSync(join(hookDir, PRACTICE_DHCP_FILES.hook), 'utf8')).toBe(renderDhcpHook()), 1_000, 5);
    await dhcp.stop();
  });

  it('leaves the client alone until told the port, and running on stop(): it is not the agent\'s, and its address stays', async () => {
    const { service, dhcp } = setup();
    await dhcp.start(AbortSignal.timeout(1_000));
    expect(dhcp.status()).toMatchObject({ state: 'running', detail: 'DHCP client on lan0' });
    await dhcp.apply({ port: 'lan0' });
    await dhcp.stop();
    expect(service.events).toEqual([]);
    expect(service.running?.pid).toBe(1000);
    expect(dhcp.status().state).toBe('stopped');
  });

  it('ends the client and removes the port on apply(null): its service then waits for a port', async () => {
    const { service, dhcp, hookDir } = setup();
    service.restarts = false;
    await dhcp.apply({ port: 'lan0' });
    await dhcp.apply(null);
    expect(service.events).toEqual(['SIGTERM 1000']);
    expect(existsSync(join(hookDir, PRACTICE_DHCP_FILES.port))).toBe(false);
    expect(dhcp.status()).toMatchObject({ state: 'stopped', detail: 'no DHCP on the practice LAN' });
  });
});

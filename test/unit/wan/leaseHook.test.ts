// The lease hook as udhcpc runs it (sh, the event as $1, the lease in the environment), in a
// temporary directory: it reports the lease to the file the agent reads, and touches nothing else.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processRunner } from '../../../src/core/index.ts';
import { parseLease, renderWanLeaseHook, WAN_DHCP_FILES } from '../../../src/wan/index.ts';

let dir: string;
let hook: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tibox-wan-hook-'));
  hook = join(dir, WAN_DHCP_FILES.hook);
  writeFileSync(hook, renderWanLeaseHook());
  chmodSync(hook, 0o700);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (event: string, env: Record<string, string> = {}) => processRunner.run('sh', [hook, event], { env });
const LEASE = { interface: 'wan0', ip: '192.168.178.2', mask: '24', router: '192.168.178.1 192.168.178.254', dns: '203.0.113.53 203.0.113.54', lease: '3600' };

describe('the WAN lease hook', () => {
  it('writes a bound lease whole, with the first router, for the agent to read', async () => {
    const before = Date.now();
    await run('bound', LEASE);
    const lease = parseLease(readFileSync(join(dir, WAN_DHCP_FILES.lease), 'utf8'));
    expect(lease).toMatchObject({ address: '192.168.178.2/24', router: '192.168.178.1', resolvers: ['203.0.113.53', '203.0.113.54'] });
    expect(lease?.endsAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(readdirSync(dir).sort()).toEqual([WAN_DHCP_FILES.hook, WAN_DHCP_FILES.lease].sort());
  });

  it('keeps the last lease on deconfig and leasefail, and removes it on a NAK', async () => {
    await run('bound', LEASE);
    await run('deconfig', { interface: 'wan0' });
    await run('leasefail', { interface: 'wan0' });
    expect(existsSync(join(dir, WAN_DHCP_FILES.lease))).toBe(true);
    await run('nak', { interface: 'wan0' });
    expect(existsSync(join(dir, WAN_DHCP_FILES.lease))).toBe(false);
  });
});

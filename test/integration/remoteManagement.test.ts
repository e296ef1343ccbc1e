// Remote management run by the agent: a box given a version 2 profile polls the lab's DDI server
// through its tunnel with the profile's management identity, reports itself as configData, and
// `tibox update status` shows it. When the gateways refuse the box, it keeps polling and
// reporting over the internet to the server's public address, and goes back into the tunnel once
// that is up again; no TI packet leaves in clear meanwhile (leakFree.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner } from '../../src/core/runner.ts';
import type { UpdateStatus } from '../../src/updater/index.ts';
import type { TunnelStatus } from '../../src/ipsec/index.ts';
import { leakFreeEachTest } from './leakFree.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
/** The server's shortest interval (hawkBit's minimum), so a test sees a poll within 33 s. */
const INTERVAL = '00:00:30';

describe('remote management by the agent', () => {
  let lab: Lab;
  let socketPath: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent', ddi: true, internetDns: true });
    ({ socketPath } = await lab.startAgent());
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  leakFreeEachTest(() => lab);

  const cli = async (...args: string[]) => (await processRunner.run(tibox, ['--socket', socketPath, ...args])).stdout;
  const updateStatus = async (): Promise<UpdateStatus> => JSON.parse(await cli('update', 'status', '--json')) as UpdateStatus;
  const tunnelState = async () => (JSON.parse(await cli('tunnel', 'status', '--json')) as TunnelStatus).state;
  /** Where the box's requests since `since` came from and went to, as the server saw them. */
  const seen = async (since: number) =>
    (await lab.ddiAdmin().requests(since)).map((r) => ({ method: r.method, from: r.remoteAddress?.replace(/^::ffff:/, ''), to: r.localAddress?.replace(/^::ffff:/, '') }));

  it('is off with no profile, and says why', async () => {
    expect(await updateStatus()).toEqual({ configured: false, reason: 'the VPN profile carries no management identity (profile format version 2 brings one)' });
  });

  it('polls through the tunnel once a version 2 profile is imported, and reports the box as configData', async () => {
    const admin = lab.ddiAdmin();
    await admin.setPolling(INTERVAL, PLAN.boxId);
    await lab.importProfile({ variant: 'v2' });
    await waitFor(async () => expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ serial: PLAN.provisioning.serial, tunnel: 'up' }), 30_000);
    const requests = await admin.requests();
    expect(new Set(requests.map((r) => r.remoteAddress?.replace(/^::ffff:/, '')))).toEqual(new Set([PLAN.tiSegment.lanGateway]));
    const status = await updateStatus();
    expect(status).toMatchObject({ configured: true, controllerId: PLAN.boxId, way: { kind: 'tunnel' }, lastPoll: { ok: true }, failures: 0, pollingSleepMs: 30_000 });
    const stdout = (await processRunner.run(tibox, ['--socket', socketPath, 'update', 'status'], { env: { TIBOX_LANG: 'en' } })).stdout;
    expect(stdout).toContain(`Remote management: https://${PLAN.management.name}/DEFAULT/controller/v1/${PLAN.boxId}\n  controller id: ${PLAN.boxId}\n  way: through the tunnel\n  last poll: `);
  });

  it('polls and reports over the internet while the gateways refuse the tunnel, and through the tunnel again once it is back', async () => {
    const admin = lab.ddiAdmin();
    const { internet } = PLAN.management;
    const publicAddresses = new Set<string>(PLAN.uplink.routerAddresses);
    await lab.refuseTunnel(true);
    try {
      await waitFor(async () => expect(await tunnelState()).not.toBe('up'), 90_000, 500);
      const down = (await admin.requests()).length;
      await admin.requestConfigData(PLAN.boxId);
      // The tunnel down for 30 s, then the next poll (at most 33 s later) goes over the internet.
      await waitFor(async () => expect((await seen(down)).filter((r) => r.method === 'PUT')).toHaveLength(1), 120_000, 500);
      const overInternet = await seen(down);
      expect(overInternet.length).toBeGreaterThanOrEqual(2);
      for (const request of overInternet) {
        expect(request.to).toBe(internet.public);
        expect(publicAddresses.has(request.from ?? '')).toBe(true);
      }
      expect((await admin.target(PLAN.boxId)).configData?.data.tunnel).not.toBe('up');
      expect(await updateStatus()).toMatchObject({ way: { kind: 'internet', address: internet.public, port: 443 }, lastPoll: { ok: true } });
    } finally {
      await lab.refuseTunnel(false);
    }
    // As an operator would, so the test need not wait out the tunnel's backoff.
    await cli('tunnel', 'up');
    await waitFor(async () => expect(await tunnelState()).toBe('up'), 60_000, 500);
    const back = (await admin.requests()).length;
    await admin.requestConfigData(PLAN.boxId);
    await waitFor(async () => expect((await seen(back)).filter((r) => r.method === 'PUT')).toHaveLength(1), 60_000, 500);
    for (const request of await seen(back)) expect(request).toMatchObject({ from: PLAN.tiSegment.lanGateway, to: PLAN.management.address });
    expect((await admin.target(PLAN.boxId)).configData?.data.tunnel).toBe('up');
    expect(await updateStatus()).toMatchObject({ way: { kind: 'tunnel' } });
  }, 360_000);
});

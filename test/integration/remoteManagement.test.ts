// Remote management run by the agent: a box given a version 2 profile polls the lab's DDI server
// through its tunnel with the profile's management identity, reports itself as configData, and
// `tibox update status` shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner } from '../../src/core/runner.ts';
import type { UpdateStatus } from '../../src/updater/index.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');

describe('remote management by the agent', () => {
  let lab: Lab;
  let socketPath: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent', ddi: true });
    ({ socketPath } = await lab.startAgent());
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const updateStatus = async (): Promise<UpdateStatus> => JSON.parse((await processRunner.run(tibox, ['--socket', socketPath, 'update', 'status', '--json'])).stdout) as UpdateStatus;

  it('is off with no profile, and says why', async () => {
    expect(await updateStatus()).toEqual({ configured: false, reason: 'the VPN profile carries no management identity (profile format version 2 brings one)' });
  });

  it('polls through the tunnel once a version 2 profile is imported, and reports the box as configData', async () => {
    await lab.importProfile({ variant: 'v2' });
    const admin = lab.ddiAdmin();
    await waitFor(async () => expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ serial: PLAN.provisioning.serial, tunnel: 'up' }), 30_000);
    const requests = await admin.requests();
    expect(new Set(requests.map((r) => r.remoteAddress?.replace(/^::ffff:/, '')))).toEqual(new Set([PLAN.tiSegment.lanGateway]));
    const status = await updateStatus();
    expect(status).toMatchObject({ configured: true, controllerId: PLAN.boxId, lastPoll: { ok: true }, failures: 0, pollingSleepMs: 300_000 });
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'update', 'status'], { env: { TIBOX_LANG: 'en' } });
    expect(stdout).toContain(`Remote management: https://${PLAN.management.name}/DEFAULT/controller/v1/${PLAN.boxId}\n  controller id: ${PLAN.boxId}\n  last poll: `);
  });
});

// Remote management in the lab: the box's DDI client in the box namespace reaches the lab's DDI
// server in the datacenter core through the tunnel, with mutual TLS. Poll → configData →
// deployment assigned → downloaded (cut once, resumed) → hash checked → feedback seen by the
// server; a cancel before the install; a server certificate from a foreign CA refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import type { LabDdiAdmin } from '../lab/ddi/admin.ts';
import type { DdiStatus } from '../../src/updater/ddi/index.ts';
import { waitFor } from './waitFor.ts';

const DRIVER = fileURLToPath(new URL('./ddiDriver.ts', import.meta.url));

describe('DDI client against the lab DDI server, through the tunnel', () => {
  let lab: Lab;
  let admin: LabDdiAdmin;
  let downloads: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'plain', ddi: true });
    admin = lab.ddiAdmin();
    downloads = join(lab.dir, 'box-downloads');
    // The tunnel carries the PVS host to the connector: the datacenter is reachable.
    const { ca } = lab.describe().pki;
    await waitFor(() => lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', ca, lab.describe().urls.connectorSds], 5_000), 20_000);
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  async function poll(polls = 1): Promise<DdiStatus> {
    const { ca, box } = lab.describe().pki;
    const { stdout } = await lab.exec(lab.names.box, process.execPath, [
      DRIVER, '--cert', box.cert, '--key', box.key, '--ca', ca, '--origin', lab.describe().urls.management,
      '--address', PLAN.management.address, '--controller', PLAN.boxId, '--dir', downloads, '--polls', String(polls),
    ], 60_000);
    return JSON.parse(stdout) as DdiStatus;
  }

  it('polls through the tunnel from the box\'s TI address and sends configData', async () => {
    const status = await poll();
    expect(status.lastPoll?.ok).toBe(true);
    expect((await admin.target(PLAN.boxId)).configData?.data).toEqual({ serial: 'TBX-00000001', firmware: '0.1.0' });
    const requests = await admin.requests();
    expect(new Set(requests.map((r) => r.remoteAddress?.replace(/^::ffff:/, '')))).toEqual(new Set([PLAN.tiSegment.lanGateway]));
  });

  let actionId = '';
  const bundle = randomBytes(1_000_000);

  it('downloads a deployment cut once and resumed, checks its sha256, and the server sees each step', async () => {
    const file = join(lab.dir, 'tibox-2.0.0.raucb');
    writeFileSync(file, bundle);
    actionId = await admin.assign({ controllerId: PLAN.boxId, chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }] });
    await admin.setFaults({ cutDownloadAt: 400_000 });
    const since = (await admin.requests()).length;
    const status = await poll();
    expect(status.action).toMatchObject({ id: actionId, phase: 'downloaded', bytes: { have: 1_000_000, size: 1_000_000 } });
    const onDisk = readFileSync(join(downloads, actionId, '0', 'tibox.raucb'));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(createHash('sha256').update(bundle).digest('hex'));
    const downloadsSeen = (await admin.requests(since)).filter((r) => r.path.includes('/artifacts/'));
    expect(downloadsSeen.map((r) => [r.status, r.range])).toEqual([[200, undefined], [206, 'bytes=400000-']]);
    const action = await admin.action(actionId);
    expect(action.feedback.map((f) => `${f.execution}/${f.finished}`)).toEqual(['download/none', 'proceeding/none', 'downloaded/none']);
    expect(action.state).toBe('open');
  });

  it('accepts a cancel before the install and removes the download', async () => {
    await admin.cancel(actionId);
    await poll();
    const action = await admin.action(actionId);
    expect(action.state).toBe('canceled');
    expect(action.cancelFeedback.map((f) => `${f.execution}/${f.finished}`)).toEqual(['closed/success']);
    expect(existsSync(join(downloads, actionId))).toBe(false);
  });

  it('refuses a server certificate from a foreign CA: no request reaches the server', async () => {
    await admin.useIdentity('foreign');
    const since = (await admin.requests()).length;
    const status = await poll();
    expect(status.lastPoll).toMatchObject({ ok: false, error: expect.stringMatching(/^ddi poll: .*(self-signed|unable to verify|local issuer)/) });
    expect(await admin.requests(since)).toEqual([]);
    await admin.useIdentity('lab');
    expect((await poll()).lastPoll?.ok).toBe(true);
  });
});

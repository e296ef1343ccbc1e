// A VPN profile renewal pushed from the lab's DDI server to the agent as a deployment of its own
// software module type (`tibox-profile`): the box imports the renewed profile (new box and
// management certificates), builds the new tunnel while the old one carries and drops the old one
// after, so a TCP connection the PVS host holds to the datacenter through it loses nothing, and
// reports success. A profile of another box, and one signed with a key the box does not pin, are
// refused with the agent's named error sent back to the server; the box keeps its profile and its
// tunnel. A renewal the box takes but the gateways refuse (its box certificate is of a CA they do
// not trust) carries no tunnel within the agent's 60 s: the box goes back to the profile before,
// its tunnel carries again, the PVS reaches the connector, and the server hears the failure.
// Everything runs under the leak watch (leakFree.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import type { LabDdiAdmin } from '../lab/ddi/admin.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner, startProcess } from '../../src/core/runner.ts';
import type { TunnelStatus } from '../../src/ipsec/index.ts';
import { leakFreeEachTest } from './leakFree.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const tcpHold = join(fileURLToPath(import.meta.url), '..', 'tcpHold.ts');
/** The server's shortest interval (hawkBit's minimum): the box looks for the deployment within 33 s. */
const INTERVAL = '00:00:30';

describe('VPN profile renewal by remote management', () => {
  let lab: Lab;
  let socketPath: string;
  let admin: LabDdiAdmin;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent', ddi: true });
    ({ socketPath } = await lab.startAgent());
    admin = lab.ddiAdmin();
    await admin.setPolling(INTERVAL, PLAN.boxId);
    await lab.importProfile({ variant: 'v2' });
    await waitFor(async () => expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ tunnel: 'up' }), 60_000, 500);
  }, 180_000);
  afterAll(async () => {
    await lab?.destroy();
  });
  leakFreeEachTest(() => lab);

  const cli = async (...args: string[]) => (await processRunner.run(tibox, ['--socket', socketPath, ...args], { timeoutMs: 20_000 })).stdout;
  const fingerprint = async () => (JSON.parse(await cli('profile', 'show', '--json')) as { certificate: { fingerprint256: string } }).certificate.fingerprint256;
  const tunnel = async () => JSON.parse(await cli('tunnel', 'status', '--json')) as TunnelStatus;
  const reachesConnector = async () => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 5_000);
    expect(stdout).toContain('<ConnectorServices');
  };

  /** Assigns a renewal just after a poll, so the next one (at most 33 s later) takes it; resolves with the action's id. */
  async function assignAfterPoll(file: string, name: string): Promise<string> {
    const polls = (await admin.target(PLAN.boxId)).polls;
    await waitFor(async () => expect((await admin.target(PLAN.boxId)).polls).toBeGreaterThan(polls), 40_000, 200);
    return admin.assign({
      controllerId: PLAN.boxId,
      update: 'attempt',
      chunks: [{ part: 'tibox-profile', version: '2', name, artifacts: [{ filename: 'profile.json', path: file }] }],
    });
  }

  /** The action once the box closed it, with its last feedback. */
  async function closed(actionId: string, timeoutMs = 60_000) {
    await waitFor(async () => expect(['finished', 'failed']).toContain((await admin.action(actionId)).state), timeoutMs, 500);
    const action = await admin.action(actionId);
    return { state: action.state, last: action.feedback.at(-1), feedback: action.feedback };
  }

  it('switches the tunnel to the renewed profile make-before-break without waiting for the practice to close, a PVS connection held open loses nothing, and the server hears success', async () => {
    await waitFor(reachesConnector, 10_000, 500);
    const file = await lab.issueRenewedProfile('renewed');
    const renewedCertificate = (JSON.parse(readFileSync(file, 'utf8')) as { payload: string }).payload;
    const newFingerprint = new X509Certificate((JSON.parse(Buffer.from(renewedCertificate, 'base64').toString('utf8')) as { identity: { certificate: string } }).identity.certificate).fingerprint256;
    const before = await fingerprint();
    expect(before).not.toBe(newFingerprint);
    const spisBefore = await lab.boxSpis();

    const port = '7777';
    let ready = false;
    const server = startProcess(process.execPath, [tcpHold, 'serve', PLAN.ti.connector, port], { netns: lab.names.core, onStdoutLine: (line) => (ready ||= line === 'ready') });
    try {
      await waitFor(() => expect(ready).toBe(true), 5_000, 20);
      const actionId = await assignAfterPoll(file, 'VPN profile renewal');
      // Long enough for the next poll (at most 33 s after the last), the download and the switch.
      const holding = lab.exec(lab.names.pvs, process.execPath, [tcpHold, 'hold', '--source', PLAN.tiSegment.pvs, '--ms', '50000', PLAN.ti.connector, port], 90_000);
      holding.catch(() => undefined);
      const action = await closed(actionId);
      expect(action.state).toBe('finished');
      expect(action.last).toMatchObject({ execution: 'closed', finished: 'success' });
      expect(action.last?.details.join('\n')).toContain(`imported the VPN profile of ${PLAN.boxId}`);
      expect(action.last?.details.join('\n')).toMatch(/the tunnel of the new profile carries through \S+; it replaced the old one make-before-break/);
      const tcp = JSON.parse((await holding).stdout) as { sent: number; echoed: number; longestWaitMs: number; error?: string };
      expect(tcp.error).toBeUndefined();
      expect(tcp.echoed).toBe(tcp.sent);
      expect(tcp.sent).toBeGreaterThan(500);
      console.log(`renewal: ${tcp.sent} lines held through the switch, longest echo wait ${tcp.longestWaitMs} ms; the server heard: ${action.last?.details.join(' | ')}`);
    } finally {
      server.kill();
    }
    expect(await fingerprint()).toBe(newFingerprint);
    expect((await tunnel()).state).toBe('up');
    const spisAfter = await lab.boxSpis();
    expect(spisAfter).toHaveLength(2);
    expect(spisAfter.filter((spi) => spisBefore.includes(spi))).toEqual([]);
    await waitFor(reachesConnector, 5_000, 500);
    // The renewed management identity polls on: the box reports itself with it.
    await admin.requestConfigData(PLAN.boxId);
    await waitFor(async () => expect((await admin.target(PLAN.boxId)).configDataRequested).toBe(false), 40_000, 500);
  }, 180_000);

  it('refuses a profile of another box and one signed with a key the box does not pin, sends the named error back, and keeps its profile and its tunnel', async () => {
    const before = await fingerprint();
    const spisBefore = await lab.boxSpis();
    const otherBox = await lab.issueRenewedProfile('other-box', { overrides: { boxId: 'box-0002.boxes.tibox.test' } });
    const foreignKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const foreignSigned = await lab.issueRenewedProfile('foreign-signed', { signingKey: foreignKey });
    for (const [file, code] of [[otherBox, 'TIBOX_PROFILE_OTHER_BOX'], [foreignSigned, 'TIBOX_PROFILE_BAD_SIGNATURE']] as const) {
      const action = await closed(await assignAfterPoll(file, code));
      expect(action.state).toBe('failed');
      expect(action.last).toMatchObject({ execution: 'closed', finished: 'failure' });
      expect(action.last?.details.join('\n')).toContain(`the VPN profile was refused: ${code}: `);
      expect(await fingerprint()).toBe(before);
      expect(await lab.boxSpis()).toEqual(spisBefore);
      expect((await tunnel()).state).toBe('up');
      await waitFor(reachesConnector, 5_000, 500);
      console.log(`refused: ${action.last?.details.join(' | ')}`);
    }
  }, 300_000);

  it('goes back to the profile before when the gateways refuse the renewed one, its tunnel carries again, and the server hears the failure', async () => {
    const before = await fingerprint();
    const refused = await lab.issueRenewedProfile('refused-by-gateways', { boxCa: 'foreign' });
    const actionId = await assignAfterPoll(refused, 'VPN profile the gateways refuse');
    // The next poll (up to 33 s), the download, the agent's 60 s for the new tunnel, and up to 60 s
    // for the tunnel of the profile it went back to.
    const action = await closed(actionId, 200_000).catch(async (error: unknown) => {
      console.log(`still open: ${JSON.stringify((await admin.action(actionId)).feedback)}; the tunnel: ${JSON.stringify(await tunnel())}`);
      throw error;
    });
    expect(action.state).toBe('failed');
    expect(action.last).toMatchObject({ execution: 'closed', finished: 'failure' });
    const details = action.last?.details.join('\n') ?? '';
    expect(details).toContain(`imported the VPN profile of ${PLAN.boxId}`);
    expect(details).toMatch(/no tunnel of the new profile carried within 60 s \(last error: [^)]+\)/);
    expect(details).toContain(`went back to the previous VPN profile of ${PLAN.boxId}`);
    expect(details).toContain(before);
    expect(details).toMatch(/its tunnel carries again through \S+/);
    expect(await fingerprint()).toBe(before);
    expect((await tunnel()).state).toBe('up');
    await waitFor(reachesConnector, 10_000, 500);
    // No retry of its own: the renewed profile is gone, and the tunnel stays on the one before.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await fingerprint()).toBe(before);
    expect((await tunnel()).state).toBe('up');
    console.log(`refused by the gateways: ${action.last?.details.join(' | ')}`);
  }, 300_000);
});

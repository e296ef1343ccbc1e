// The lab's issuer end to end through the CLI: `tibox profile import` and `tibox profile show`
// against a control server with the profile actions on a real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/agent/cli/main.ts';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import { ControlServer } from '../../../../src/control/server.ts';
import { processRunner } from '../../../../src/core/runner.ts';
import { ProfileStore, registerProfileActions } from '../../../../src/ipsec/profile/index.ts';
import { createLabPki } from '../../../lab/pki.ts';
import { issueLabProfile, type LabProfiles } from '../../../lab/profile.ts';
import { groupFile, memoryLogger, SAMPLE_STATUS } from '../../control/helpers.ts';

let dir: string;
let lab: LabProfiles;
let socket: string;
let server: ControlServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tibox-pcli-'));
  lab = await issueLabProfile(processRunner, await createLabPki(processRunner, join(dir, 'pki')), { dir });
  const actions = new ControlActions();
  registerProfileActions(actions, { store: new ProfileStore(join(dir, 'data')), trustAnchor: await readFile(lab.trustAnchor, 'utf8'), now: () => new Date() });
  socket = join(dir, 'control.sock');
  server = new ControlServer({ socketPath: socket, status: () => SAMPLE_STATUS, actions, log: memoryLogger().log, groupFile: await groupFile(dir, true) });
  await server.start(AbortSignal.timeout(5_000));
}, 60_000);

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function tibox(argv: string[], promptSecret?: (prompt: string) => Promise<string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--socket', socket, ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    now: () => new Date(),
    ...(promptSecret ? { promptSecret } : {}),
  });
  return { code, stdout, stderr };
}

describe('tibox profile', () => {
  it('shows that there is no profile yet', async () => {
    expect(await tibox(['profile', 'show'])).toEqual({ code: 0, stdout: 'No VPN profile imported.\n', stderr: '' });
  });

  it('refuses the PKCS#12 profile without a password and without a terminal, writing nothing', async () => {
    const result = await tibox(['profile', 'import', lab.pkcs12]);
    expect(result).toMatchObject({ code: 1, stderr: "tibox: the profile's PKCS#12 identity needs a password; with no terminal to ask on, give it with --password-file FILE\n" });
    expect(await readdir(join(dir, 'data')).catch(() => [])).toEqual([]);
  });

  it('imports the lab PEM profile and prints its summary', async () => {
    const result = await tibox(['profile', 'import', lab.pem]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported VPN profile for box-0001.boxes.tibox.test');
    expect(result.stdout).toContain('gateways:     198.51.100.10, 192.0.2.10');
    expect(result.stdout).toContain('gateway ids:  gw1.dc.tibox.test, gw2.dc.tibox.test');
    expect(result.stdout).not.toContain('PRIVATE');
  });

  it('imports the PKCS#12 profile with --password-file', async () => {
    const result = await tibox(['profile', 'import', lab.pkcs12, '--password-file', lab.passwordFile, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ boxId: 'box-0001.boxes.tibox.test', tiSegment: '10.77.12.0/26' });
  });

  it('asks for the password on the terminal when the agent needs one', async () => {
    const prompts: string[] = [];
    const result = await tibox(['profile', 'import', lab.pkcs12], (prompt) => {
      prompts.push(prompt);
      return Promise.resolve(lab.password);
    });
    expect([result.code, prompts]).toEqual([0, ['Password of the PKCS#12 identity: ']]);
  });

  it('shows the current profile without key material', async () => {
    const result = await tibox(['profile', 'show', '--json']);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual(['boxId', 'certificate', 'gatewayIds', 'gateways', 'tiSegment']);
    expect(result.stdout).not.toMatch(/PRIVATE|pkcs12|password/i);
  });

  it('says which file it cannot read', async () => {
    expect(await tibox(['profile', 'import', join(dir, 'missing.json')])).toMatchObject({ code: 1, stderr: `tibox: cannot read ${join(dir, 'missing.json')}: not found\n` });
  });
});

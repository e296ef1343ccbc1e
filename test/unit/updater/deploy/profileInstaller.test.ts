// The installer of `tibox-profile` modules: one profile file, handed to the agent's renewal with
// the action's id; its lines become the module's details, and a refusal names the agent's error
// code. A module with no file, two files or one far too large for a profile is refused unread.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileError } from '../../../../src/ipsec/profile/errors.ts';
import {
  InstallFailure, PROFILE_ARTIFACT_MAX_BYTES, PROFILE_PART, profileArtifactProblem, profileInstaller, refusalText, type ModuleJob, type ProfileRenewal,
} from '../../../../src/updater/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tibox-profile-installer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function job(files: string[], progress: string[]): ModuleJob {
  return {
    actionId: '12',
    chunk: { part: PROFILE_PART, version: '2026-12', name: 'profile renewal', encrypted: false, artifacts: [], metadata: [] },
    files,
    forced: false,
    progress: (lines) => Promise.resolve(void progress.push(...lines)),
  };
}

describe('profileArtifactProblem', () => {
  it.each([
    [[{ size: 3_000 }], undefined],
    [[], 'a tibox-profile module carries one VPN profile file; this one carries 0 artifacts'],
    [[{ size: 1 }, { size: 1 }], 'a tibox-profile module carries one VPN profile file; this one carries 2 artifacts'],
    [[{ size: PROFILE_ARTIFACT_MAX_BYTES + 1 }], `the tibox-profile artifact has ${PROFILE_ARTIFACT_MAX_BYTES + 1} bytes; a VPN profile file has at most ${PROFILE_ARTIFACT_MAX_BYTES}`],
  ])('%j: %s', (artifacts, problem) => {
    expect(profileArtifactProblem(artifacts)).toBe(problem);
  });
});

describe('refusalText', () => {
  it('names the agent\'s error code before its words', () => {
    expect(refusalText(new ProfileError('TIBOX_PROFILE_OTHER_BOX', { offered: 'box-0002', current: 'box-0001' }))).toBe(
      'the VPN profile was refused: TIBOX_PROFILE_OTHER_BOX: the profile is for box box-0002; this box is box-0001',
    );
    expect(refusalText(new Error('no tunnel of the new profile carried within 60 s'))).toBe('no tunnel of the new profile carried within 60 s');
  });
});

describe('profileInstaller', () => {
  it('takes modules of its own type without waiting for the practice to close', () => {
    expect(profileInstaller({ renew: () => Promise.resolve([]) })).toMatchObject({ part: 'tibox-profile', live: true });
  });

  it('hands the file to the renewal with the action id and installs with its lines', async () => {
    const file = join(dir, 'profile.json');
    writeFileSync(file, '{"format":"tibox-vpn-profile"}');
    const seen: string[] = [];
    const renewal: ProfileRenewal = { renew: (bytes, actionId) => Promise.resolve(void seen.push(`${actionId} ${bytes.toString()}`)).then(() => ['imported', 'switched']) };
    const progress: string[] = [];
    expect(await profileInstaller(renewal).install(job([file], progress))).toEqual({ kind: 'installed', details: ['imported', 'switched'] });
    expect(seen).toEqual(['12 {"format":"tibox-vpn-profile"}']);
    expect(progress).toEqual(['importing the VPN profile profile renewal 2026-12; the tunnel switches make-before-break']);
  });

  it('fails with the agent\'s named error when the renewal refuses the profile', async () => {
    const file = join(dir, 'unsigned.json');
    writeFileSync(file, '{}');
    const renewal: ProfileRenewal = { renew: () => Promise.reject(new ProfileError('TIBOX_PROFILE_UNSIGNED', {})) };
    await expect(profileInstaller(renewal).install(job([file], []))).rejects.toThrow('the VPN profile was refused: TIBOX_PROFILE_UNSIGNED: the profile carries no signature');
  });

  it('passes a renewal that failed after the import on with its lines, each a detail of its own', async () => {
    const file = join(dir, 'not-carried.json');
    writeFileSync(file, '{}');
    const failure = new InstallFailure(['imported the VPN profile', 'no tunnel of the new profile carried within 60 s', 'went back to the previous VPN profile']);
    const renewal: ProfileRenewal = { renew: () => Promise.reject(failure) };
    await expect(profileInstaller(renewal).install(job([file], []))).rejects.toMatchObject({ details: failure.details });
  });

  it('refuses an artifact far too large for a profile without reading it', async () => {
    const file = join(dir, 'bundle.raucb');
    writeFileSync(file, '');
    truncateSync(file, PROFILE_ARTIFACT_MAX_BYTES + 1);
    const renewal: ProfileRenewal = { renew: () => Promise.reject(new Error('must not be asked')) };
    await expect(profileInstaller(renewal).install(job([file], []))).rejects.toThrow(`the tibox-profile artifact has ${PROFILE_ARTIFACT_MAX_BYTES + 1} bytes`);
  });
});

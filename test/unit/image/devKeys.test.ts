import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageKeys } from '../../../image/devKeys.ts';

describe("the image's keys", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-image-keys-'));
  const file = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, 'pem\n');
    return path;
  };

  it('takes the four given files as they are, for a field build', async () => {
    const env = { UPDATE_CA: file('ca.pem'), SIGNING_CERT: file('signer.pem'), SIGNING_KEY: file('signer.key'), PROFILE_TRUST_ANCHOR: file('profile.pem') };
    expect(await imageKeys(env, join(dir, 'dev'))).toEqual({
      updateCa: env.UPDATE_CA, signingCert: env.SIGNING_CERT, signingKey: env.SIGNING_KEY, profileTrustAnchor: env.PROFILE_TRUST_ANCHOR, development: false,
    });
  });

  it('refuses some of them without the others, and a given file that is missing, in words', async () => {
    await expect(imageKeys({ UPDATE_CA: file('ca.pem') }, join(dir, 'dev'))).rejects.toThrow(
      'give all of UPDATE_CA, SIGNING_CERT, SIGNING_KEY, PROFILE_TRUST_ANCHOR or none (then development keys are made); given: UPDATE_CA',
    );
    const env = { UPDATE_CA: join(dir, 'nowhere.pem'), SIGNING_CERT: file('signer.pem'), SIGNING_KEY: file('signer.key'), PROFILE_TRUST_ANCHOR: file('profile.pem') };
    await expect(imageKeys(env, join(dir, 'dev'))).rejects.toThrow(`UPDATE_CA=${join(dir, 'nowhere.pem')} does not exist`);
  });
});

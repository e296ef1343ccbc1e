// The keys an image pins, given or made for development. A field build gives the update CA (the
// RAUC keyring), the bundle signer (code signing, under that CA) and the profile-signing public
// key of the datacenter: UPDATE_CA, SIGNING_CERT, SIGNING_KEY, PROFILE_TRUST_ANCHOR. Without them
// the build makes its own once, in image/out/dev-keys/, and says so: such an image takes only
// bundles and profiles signed with those keys, and is for development and tests only.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { processRunner } from '../src/core/runner.ts';

export interface ImageKeys {
  updateCa: string;
  signingCert: string;
  signingKey: string;
  profileTrustAnchor: string;
  development: boolean;
}

const GIVEN = ['UPDATE_CA', 'SIGNING_CERT', 'SIGNING_KEY', 'PROFILE_TRUST_ANCHOR'] as const;

export async function imageKeys(env: NodeJS.ProcessEnv, devDir: string): Promise<ImageKeys> {
  const given = GIVEN.filter((name) => env[name]);
  if (given.length === GIVEN.length) {
    for (const name of GIVEN) if (!existsSync(env[name]!)) throw new Error(`${name}=${env[name]!} does not exist`);
    return { updateCa: env.UPDATE_CA!, signingCert: env.SIGNING_CERT!, signingKey: env.SIGNING_KEY!, profileTrustAnchor: env.PROFILE_TRUST_ANCHOR!, development: false };
  }
  if (given.length > 0) throw new Error(`give all of ${GIVEN.join(', ')} or none (then development keys are made); given: ${given.join(', ')}`);
  return devKeys(devDir);
}

async function devKeys(dir: string): Promise<ImageKeys> {
  const keys = {
    updateCa: join(dir, 'update-ca.pem'),
    signingCert: join(dir, 'update-signer.pem'),
    signingKey: join(dir, 'update-signer.key'),
    profileTrustAnchor: join(dir, 'profile-signing.pub.pem'),
    development: true,
  };
  if (Object.values(keys).every((path) => typeof path !== 'string' || existsSync(path))) return keys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'update-ca.key');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];
  const openssl = (args: string[]) => processRunner.run('openssl', args);
  await openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', keys.updateCa, '-days', '3650', '-subj', '/O=tibox development/CN=tibox development update CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // RAUC checks the signer's purpose (check-purpose=codesign).
  await openssl(['req', '-x509', ...ec, '-keyout', keys.signingKey, '-out', keys.signingCert, '-days', '3650', '-CA', keys.updateCa, '-CAkey', caKey,
    '-subj', '/O=tibox development/CN=tibox development update signer',
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=critical,codeSigning']);
  const profileKey = join(dir, 'profile-signing.key');
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', profileKey]);
  await openssl(['pkey', '-in', profileKey, '-pubout', '-out', keys.profileTrustAnchor]);
  return keys;
}

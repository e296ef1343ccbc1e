// The lab's VPN profile issuer: plays the datacenter of docs/profile.md. It makes the lab's own
// profile-signing key (EC P-384, openssl), a certificate for the lab box from the lab CA, and
// the box's profile with the lab's PLAN values, signed, in both identity variants: PEM, and
// PKCS#12 with a password. Nothing here is ever trusted outside the lab.
import { sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runner } from '../../src/core/runner.ts';
import type { LabPki } from './pki.ts';
import { PLAN } from './topology.ts';

export interface LabProfileOptions {
  /** Where the key, the profiles and the password file go (the lab's private directory). */
  dir: string;
  /** The PKCS#12 password; a fixed lab value when absent. */
  password?: string;
}

export interface LabProfiles {
  /** The profile with a PEM certificate and key. */
  pem: string;
  /** The profile with a PKCS#12 identity, opened by `password`. */
  pkcs12: string;
  password: string;
  /** The password in a file of one line, as `tibox profile import --password-file` reads it. */
  passwordFile: string;
  /** The profile-signing public key (PEM): the lab agent's pinned trust anchor. */
  trustAnchor: string;
  /**
   * Format version 2, PEM identity, with remote management's own identity: a client certificate
   * of the lab CA whose CN is the box id (the controller id), and the lab CA for the DDI server.
   */
  v2: string;
}

export type SignatureAlgorithmName = 'ecdsa-sha256' | 'ecdsa-sha384' | 'ecdsa-sha512' | 'ed25519';

/** A profile file: the payload as canonical JSON bytes, base64 in the envelope, signed over those bytes. */
export function signProfile(payload: unknown, signingKeyPem: string, algorithm: SignatureAlgorithmName = 'ecdsa-sha384'): Buffer {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const digest = algorithm === 'ed25519' ? null : algorithm.replace('ecdsa-', '');
  const signature = sign(digest, bytes, signingKeyPem);
  // The envelope names the version the payload says it is (a test may make them differ after signing).
  const version = (payload as { version?: unknown }).version ?? 1;
  const envelope = { format: 'tibox-vpn-profile', version, payload: bytes.toString('base64'), signature: signature.toString('base64'), signatureAlgorithm: algorithm };
  return Buffer.from(JSON.stringify(envelope, null, 2) + '\n', 'utf8');
}

/** The lab box's payload without its identity, from the PLAN. */
export function labSettings(caPem: string): Record<string, unknown> {
  return {
    version: 1,
    boxId: PLAN.boxId,
    caCertificates: [caPem],
    gateways: { addresses: [PLAN.gw1.public, PLAN.gw2.public] },
    gatewayIds: [PLAN.gw1.id, PLAN.gw2.id],
    tiSegment: PLAN.tiSegment.prefix,
    tiPrefixes: [...PLAN.ti.prefixes],
    connector: { addresses: [PLAN.ti.connector], probe: { address: PLAN.ti.connector } },
    tiDns: { servers: [PLAN.ti.dns], domains: [...PLAN.ti.domains] },
    management: { url: `https://${PLAN.management.name}`, prefix: PLAN.management.prefix },
  };
}

export async function issueLabProfile(runner: Runner, pki: LabPki, options: LabProfileOptions): Promise<LabProfiles> {
  const { dir } = options;
  const password = options.password ?? 'lab-profile-password';
  const signingKey = join(dir, 'profile-signing.key');
  const trustAnchor = join(dir, 'profile-signing.pub.pem');
  await runner.run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', signingKey]);
  await runner.run('openssl', ['pkey', '-in', signingKey, '-pubout', '-out', trustAnchor]);
  const box = await pki.issue('box', [`DNS:${PLAN.boxId}`], 'client');
  const p12 = join(dir, 'box.p12');
  // The password travels in the environment, never on a command line others can read in ps.
  await runner.run('openssl', ['pkcs12', '-export', '-inkey', box.key, '-in', box.cert, '-name', PLAN.boxId, '-out', p12, '-passout', 'env:TIBOX_LAB_P12'], {
    env: { TIBOX_LAB_P12: password },
  });
  const [key, caPem, certPem, keyPem, p12Der] = await Promise.all([
    readFile(signingKey, 'utf8'), readFile(pki.ca.cert, 'utf8'), readFile(box.cert, 'utf8'), readFile(box.key, 'utf8'), readFile(p12),
  ]);
  const settings = labSettings(caPem);
  const files = { pem: join(dir, 'profile-pem.json'), pkcs12: join(dir, 'profile-pkcs12.json'), passwordFile: join(dir, 'profile-password') };
  await writeFile(files.pem, signProfile({ ...settings, identity: { certificate: certPem, privateKey: keyPem } }, key), { mode: 0o600 });
  await writeFile(files.pkcs12, signProfile({ ...settings, identity: { pkcs12: p12Der.toString('base64') } }, key), { mode: 0o600 });
  await writeFile(files.passwordFile, password + '\n', { mode: 0o600 });
  const management = await pki.issue('box-management', [`DNS:${PLAN.boxId}`], 'client');
  const [managementCert, managementKey] = await Promise.all([readFile(management.cert, 'utf8'), readFile(management.key, 'utf8')]);
  const v2 = join(dir, 'profile-v2.json');
  const v2Payload = {
    ...settings,
    version: 2,
    identity: { certificate: certPem, privateKey: keyPem },
    management: { ...(settings.management as object), identity: { certificate: managementCert, privateKey: managementKey }, caCertificates: [caPem] },
  };
  await writeFile(v2, signProfile(v2Payload, key), { mode: 0o600 });
  return { ...files, v2, password, trustAnchor };
}

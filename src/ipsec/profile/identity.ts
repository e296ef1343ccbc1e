// The box identity and the CA list, checked with node:crypto: the key belongs to the
// certificate, both certificates are valid at `now`, every CA is a CA, and the box certificate
// was issued (and signed) by one of them. Checks run box first, so the message names the box
// certificate when both it and a CA have a problem.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { invalidField, ProfileError } from './errors.ts';
import { unpackPkcs12 } from './pkcs12.ts';
import type { RawIdentity } from './payload.ts';
import type { BoxIdentity } from './types.ts';

export interface CheckedIdentity {
  identity: BoxIdentity;
  caCertificates: string[];
}

export function checkIdentity(raw: RawIdentity, caPems: readonly string[], password: string | undefined, now: Date): CheckedIdentity {
  const { key, certificate } = raw.kind === 'pem' ? fromPem(raw.certificate, raw.privateKey) : fromPkcs12(raw.der, password);
  checkValidity(certificate, 'box', now);
  const cas = caPems.map((pem, index) => {
    const ca = parseCertificate(pem, `caCertificates[${index}]`);
    if (!ca.ca) throw new ProfileError('TIBOX_PROFILE_NOT_A_CA', { index, subject: oneLine(ca.subject) });
    checkValidity(ca, `CA ${oneLine(ca.subject)}`, now);
    return ca;
  });
  if (!cas.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) {
    throw new ProfileError('TIBOX_PROFILE_UNTRUSTED_CERT', { subject: oneLine(certificate.subject) });
  }
  return {
    identity: {
      certificate: certificate.toString(),
      privateKey: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
      subject: certificate.subject,
      subjectAltNames: certificate.subjectAltName ?? '',
      notBefore: certificate.validFromDate.toISOString(),
      notAfter: certificate.validToDate.toISOString(),
      fingerprint256: certificate.fingerprint256,
    },
    caCertificates: cas.map((ca) => ca.toString()),
  };
}

function fromPem(certificatePem: string, keyPem: string): { key: KeyObject; certificate: X509Certificate } {
  const certificate = parseCertificate(certificatePem, 'identity.certificate');
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw invalidField('identity.privateKey', 'cannot be read as an unencrypted PKCS#8 or SEC1 private key');
  }
  if (!sameKey(key, certificate)) throw new ProfileError('TIBOX_PROFILE_KEY_MISMATCH', {});
  return { key, certificate };
}

/** The certificate in the file whose public key is the key's: extra certificates (a chain) are ignored. */
function fromPkcs12(der: Buffer, password: string | undefined): { key: KeyObject; certificate: X509Certificate } {
  const { key, certificates } = unpackPkcs12(der, password);
  const certificate = certificates.find((c) => sameKey(key, c));
  if (!certificate) throw new ProfileError('TIBOX_PROFILE_KEY_MISMATCH', {});
  return { key, certificate };
}

function parseCertificate(pem: string, field: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw invalidField(field, 'cannot be read as an X.509 certificate');
  }
}

function sameKey(key: KeyObject, certificate: X509Certificate): boolean {
  const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  return spki(createPublicKey(key)).equals(spki(certificate.publicKey));
}

function checkValidity(certificate: X509Certificate, which: string, now: Date): void {
  const subject = oneLine(certificate.subject);
  if (now < certificate.validFromDate) {
    throw new ProfileError('TIBOX_PROFILE_CERT_NOT_YET_VALID', { which, subject, notBefore: certificate.validFromDate.toISOString() });
  }
  if (now > certificate.validToDate) {
    throw new ProfileError('TIBOX_PROFILE_CERT_EXPIRED', { which, subject, notAfter: certificate.validToDate.toISOString() });
  }
}

/** node:crypto prints one RDN per line; messages want one line. */
function oneLine(subject: string): string {
  return subject.split('\n').filter(Boolean).join(', ');
}

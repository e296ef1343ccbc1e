// The box identity and the CA list, checked with node:crypto: the key belongs to the
// certificate, both certificates are valid at `now`, every CA is a CA, and the box certificate
// was issued (and signed) by one of them. Checks run box first, so the message names the box
// certificate when both it and a CA have a problem.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { invalidField, ProfileError } from './errors.ts';
import { unpackPkcs12 } from './pkcs12.ts';
import type { RawIdentity } from './payload.ts';
import type { BoxIdentity, ManagementIdentity } from './types.ts';

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
  return { identity: boxIdentity(certificate, key), caCertificates: cas.map((ca) => ca.toString()) };
}

/** TLS client authentication (RFC 5280 id-kp-clientAuth). */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * Remote management's identity (format version 2): the key belongs to the certificate, both it
 * and the CAs are valid at `now`, it may be used for TLS client authentication, and one of the
 * management CAs issued it. Refusals name the `management.*` field.
 */
export function checkManagementIdentity(raw: { certificate: string; privateKey: string }, caPems: readonly string[], now: Date): ManagementIdentity {
  const { key, certificate } = fromPem(raw.certificate, raw.privateKey, 'management.identity');
  checkValidity(certificate, 'management', now);
  // No extended key usage at all allows every usage (RFC 5280 4.2.1.12).
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.includes(CLIENT_AUTH)) {
    throw invalidField('management.identity.certificate', 'lacks the extended key usage clientAuth that mutual TLS needs');
  }
  const cas = caPems.map((pem, index) => {
    const ca = parseCertificate(pem, `management.caCertificates[${index}]`);
    if (!ca.ca) throw invalidField(`management.caCertificates[${index}]`, `(${oneLine(ca.subject)}) is not a CA certificate (basicConstraints CA:TRUE is required)`);
    checkValidity(ca, `management CA ${oneLine(ca.subject)}`, now);
    return ca;
  });
  if (!cas.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) {
    throw invalidField('management.identity.certificate', `(${oneLine(certificate.subject)}) was not issued by a CA in management.caCertificates`);
  }
  return { identity: boxIdentity(certificate, key), caCertificates: cas.map((ca) => ca.toString()) };
}

function boxIdentity(certificate: X509Certificate, key: KeyObject): BoxIdentity {
  return {
    certificate: certificate.toString(),
    privateKey: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    subject: certificate.subject,
    subjectAltNames: certificate.subjectAltName ?? '',
    notBefore: certificate.validFromDate.toISOString(),
    notAfter: certificate.validToDate.toISOString(),
    fingerprint256: certificate.fingerprint256,
  };
}

function fromPem(certificatePem: string, keyPem: string, field = 'identity'): { key: KeyObject; certificate: X509Certificate } {
  const certificate = parseCertificate(certificatePem, `${field}.certificate`);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw invalidField(`${field}.privateKey`, 'cannot be read as an unencrypted PKCS#8 or SEC1 private key');
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

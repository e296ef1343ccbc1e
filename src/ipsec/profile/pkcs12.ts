// Unpacks a PKCS#12 identity with node-forge and hands the DER of its certificates and its one
// key to node:crypto; forge is used for nothing else (it cannot parse EC keys or certificates,
// and keeps their raw ASN.1 in `bag.asn1` when it cannot). Reads the OpenSSL 3 default
// (PBES2 AES-256-CBC, PBKDF2, HMAC-SHA-256 MAC) and `-legacy` files; see docs/profile.md.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';

type Forge = typeof forgeModule;
// forge is loaded on the first PKCS#12 only: the agent starts (and brings the tunnel up) without
// evaluating it, which is a large part of its start-up time.
const requireForge = (() => {
  let loaded: Forge | undefined;
  const require = createRequire(import.meta.url);
  return (): Forge => (loaded ??= require('node-forge') as Forge);
})();
import { ProfileError } from './errors.ts';

export interface Pkcs12Contents {
  key: KeyObject;
  certificates: X509Certificate[];
}

const PASSWORD_FAILURE = /invalid password|wrong password|failed to decrypt/i;

export function unpackPkcs12(der: Buffer, password: string | undefined): Pkcs12Contents {
  const forge = requireForge();
  let p12: forgeModule.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), false);
    // An absent password is tried as the empty one, the way OpenSSL writes `-passout pass:`.
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (PASSWORD_FAILURE.test(reason)) {
      throw password === undefined
        ? new ProfileError('TIBOX_PROFILE_PASSWORD_REQUIRED', {})
        : new ProfileError('TIBOX_PROFILE_WRONG_PASSWORD', {});
    }
    throw new ProfileError('TIBOX_PROFILE_BUNDLE_UNREADABLE', { reason });
  }
  const bags = p12.safeContents.flatMap((contents) => contents.safeBags);
  const keyBags = bags.filter((bag) => bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag);
  const certBags = bags.filter((bag) => bag.type === forge.pki.oids.certBag);
  if (keyBags.length === 0) throw new ProfileError('TIBOX_PROFILE_BUNDLE_INCOMPLETE', { problem: 'no private key' });
  if (keyBags.length > 1) throw new ProfileError('TIBOX_PROFILE_BUNDLE_INCOMPLETE', { problem: 'more than one private key' });
  if (certBags.length === 0) throw new ProfileError('TIBOX_PROFILE_BUNDLE_INCOMPLETE', { problem: 'no certificate' });
  try {
    return { key: keyOf(keyBags[0] as forgeModule.pkcs12.Bag), certificates: certBags.map(certificateOf) };
  } catch (error) {
    throw new ProfileError('TIBOX_PROFILE_BUNDLE_UNREADABLE', { reason: error instanceof Error ? error.message : String(error) });
  }
}

function toDer(asn1: forgeModule.asn1.Asn1): Buffer {
  const forge = requireForge();
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function keyOf(bag: forgeModule.pkcs12.Bag): KeyObject {
  const forge = requireForge();
  // forge parsed RSA keys itself; anything else (EC) it left as PrivateKeyInfo ASN.1.
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  return createPrivateKey({ key: toDer(info), format: 'der', type: 'pkcs8' });
}

function certificateOf(bag: forgeModule.pkcs12.Bag): X509Certificate {
  const forge = requireForge();
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return new X509Certificate(toDer(asn1));
}

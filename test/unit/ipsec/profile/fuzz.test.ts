// Whatever bytes arrive, importProfile answers with a VpnProfile or a ProfileError, never
// with another exception (SECURITY.md: parsers of outside input never crash).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { importProfile, ProfileError } from '../../../../src/ipsec/profile/index.ts';
import { signProfile } from '../../../lab/profile.ts';
import { makeFixtures, payload, profileFile, type Fixtures } from './fixtures.ts';

let f: Fixtures;
let now: Date;
let valid: Buffer;

beforeAll(async () => {
  f = await makeFixtures();
  now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 60_000);
  valid = profileFile(f);
}, 60_000);

afterAll(() => f.cleanup());

/** 'ok' or the ProfileError's code; anything else thrown fails the property. */
function outcome(bytes: Buffer): string {
  try {
    importProfile(bytes, { trustAnchor: f.anchor.p384, now, password: 'x' });
    return 'ok';
  } catch (error) {
    if (error instanceof ProfileError) return error.code;
    throw error;
  }
}

const json = fc.jsonValue({ maxDepth: 3 });

describe('importProfile under random input', () => {
  it('answers random bytes with a ProfileError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      expect(outcome(Buffer.from(bytes))).not.toBe('ok');
    }));
  });

  it('answers byte mutations of a valid file with a ProfileError or a profile', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(mutation, (changes) => {
        const bytes = Buffer.from(valid);
        for (const [at, value] of changes) bytes[at % bytes.length] = value;
        expect(outcome(bytes)).toMatch(/^(ok|TIBOX_PROFILE_[A-Z_]+)$/);
      }),
    );
  });

  it('answers signed payloads with random field values with a ProfileError or a profile', () => {
    const fields = Object.keys(payload(f));
    fc.assert(
      fc.property(fc.constantFrom(...fields), json, fc.constantFrom(...fields, 'extra'), json, (a, va, b, vb) => {
        // Some random values are valid (boxId "a", version 1, proposals {}): 'ok' is a fair answer.
        const file = signProfile(payload(f, (p) => Object.assign(p, { [a]: va, [b]: vb })), f.signing.p384);
        expect(outcome(file)).toMatch(/^(ok|TIBOX_PROFILE_[A-Z_]+)$/);
      }),
      { numRuns: 200 },
    );
  });

  it('answers random envelopes with a ProfileError', () => {
    const envelope = fc.record(
      { format: fc.constantFrom('tibox-vpn-profile', 'x'), version: fc.constantFrom(1, 2, '1'), payload: fc.oneof(fc.base64String(), json), signature: fc.oneof(fc.base64String(), json), signatureAlgorithm: fc.constantFrom('ecdsa-sha384', 'ed25519', 'none') },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(envelope, (e) => {
      expect(outcome(Buffer.from(JSON.stringify(e)))).not.toBe('ok');
    }));
  });
});

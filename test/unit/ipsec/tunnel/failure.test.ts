import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../../src/ipsec/tunnel/failure.ts';

describe('classifyFailure', () => {
  it.each([
    [['[IKE] received NO_PROPOSAL_CHOSEN notify error'], 'no proposal chosen'],
    [['[CFG] received proposals: ESP:AES_CBC_128/HMAC_SHA1_96', '[CFG] no acceptable proposal found'], 'no proposal chosen'],
    [['[IKE] received AUTHENTICATION_FAILED notify error'], 'authentication failed'],
    [["[IKE] no trusted ECDSA public key found for 'gw.dc.example'", '[ENC] generating INFORMATIONAL request 2 [ N(AUTH_FAILED) ]'], 'gateway certificate not trusted'],
    [["[IKE] no trusted RSA public key found for 'gw.dc.example'"], 'gateway certificate not trusted'],
    [['[CFG] no issuer certificate found for "CN=gw.dc.example"'], 'gateway certificate not trusted'],
    [['[CFG] certificate "CN=box-0042" expired on Jan 01 00:00:00 2025'], 'certificate expired'],
    [['[CFG] certificate "CN=box-0042" not valid until Jan 01 00:00:00 2030'], 'certificate not yet valid'],
    [['[IKE] giving up after 3 retransmits'], 'gateway unreachable'],
    [['[IKE] retransmit 2 of request with message ID 0'], 'gateway unreachable'],
    [["vici: initiate failed: CHILD_SA 'ti' not established after 3000ms"], 'gateway unreachable'],
    [['[IKE] something charon never said before'], 'attempt failed'],
    [[], 'attempt failed'],
  ] as const)('%j → %s', (lines, reason) => {
    expect(classifyFailure(lines)).toBe(reason);
  });

  it('reads charon\'s validity line against the clock: expired, or not yet valid', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const expired = ['[CFG] subject certificate invalid (valid from Oct 14 19:10:47 2026 to Nov 13 19:10:47 2026)', "[IKE] no trusted ECDSA public key found for 'gw1'"];
    expect(classifyFailure(expired, now)).toBe('certificate expired');
    const early = ['[CFG] subject certificate invalid (valid from Dec 24 08:00:00 2026 to Dec 24 08:00:00 2027)'];
    expect(classifyFailure(early, now)).toBe('certificate not yet valid');
  });

  it('lets the most specific rule win whatever the line order', () => {
    const lines = ['[IKE] received AUTHENTICATION_FAILED notify error', '[IKE] received NO_PROPOSAL_CHOSEN notify error'];
    expect(classifyFailure(lines)).toBe('no proposal chosen');
    expect(classifyFailure([...lines].reverse())).toBe('no proposal chosen');
    expect(classifyFailure(['[IKE] giving up after 5 retransmits', '[CFG] certificate "CN=gw" expired'])).toBe('certificate expired');
  });
});

// A renewal's own checks beyond the import: the profile must be this box's (a box without a
// profile takes any that verifies), and the profile in use offered again is the same profile even
// when its fields come back from the store in another order.
import { describe, expect, it } from 'vitest';
import { renewalProblem, sameProfile } from '../../../../src/ipsec/profile/index.ts';
import type { VpnProfile } from '../../../../src/ipsec/profile/index.ts';

const profile = { boxId: 'box-0001.boxes.tibox.test', tiSegment: '10.77.12.0/26', identity: { certificate: 'C', privateKey: 'K', notAfter: '2027-01-01' } } as unknown as VpnProfile;

describe('renewalProblem', () => {
  it('accepts this box\'s profile, and any on a box without one', () => {
    expect(renewalProblem(profile, { boxId: profile.boxId })).toBeUndefined();
    expect(renewalProblem(undefined, { boxId: 'box-0002.boxes.tibox.test' })).toBeUndefined();
  });

  it('refuses another box\'s with TIBOX_PROFILE_OTHER_BOX, naming both', () => {
    expect(renewalProblem(profile, { boxId: 'box-0002.boxes.tibox.test' })).toMatchObject({
      code: 'TIBOX_PROFILE_OTHER_BOX',
      status: 422,
      message: 'the profile is for box box-0002.boxes.tibox.test; this box is box-0001.boxes.tibox.test',
    });
  });
});

describe('sameProfile', () => {
  it('is the same with the fields in another order, not with one value changed, and never without a current one', () => {
    const reordered = { identity: { notAfter: '2027-01-01', privateKey: 'K', certificate: 'C' }, tiSegment: '10.77.12.0/26', boxId: 'box-0001.boxes.tibox.test' } as unknown as VpnProfile;
    expect(sameProfile(profile, reordered)).toBe(true);
    expect(sameProfile(profile, { ...profile, tiSegment: '10.77.13.0/26' })).toBe(false);
    expect(sameProfile(undefined, profile)).toBe(false);
  });
});

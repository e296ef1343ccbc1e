import { describe, expect, it } from 'vitest';
import { HEALTH_CATALOGUE } from '../../../../src/core/health.ts';
import { certificateHealth, managementCertificateHealth } from '../../../../src/ipsec/profile/health.ts';

const notAfter = '2026-06-30T12:00:00.000Z';
const profile = { identity: { notAfter } } as Parameters<typeof certificateHealth>[0];
const daysBefore = (days: number) => new Date(Date.parse(notAfter) - days * 86_400_000);

describe('certificateHealth', () => {
  it.each([
    [31, undefined],
    [29, 'profile.certificateExpiring'],
    [0, 'profile.certificateExpiring'],
    [-1, 'profile.certificateExpired'],
  ])('%s days before the end of validity: %s', (days, want) => {
    expect(certificateHealth(profile, daysBefore(days))).toBe(want);
  });

  it('uses catalogue entries: expiring warns, expired is critical and cuts the TI', () => {
    expect(HEALTH_CATALOGUE['profile.certificateExpiring']).toMatchObject({ severity: 'warning', impactsTi: false });
    expect(HEALTH_CATALOGUE['profile.certificateExpired']).toMatchObject({ severity: 'critical', impactsTi: true });
  });
});

describe('managementCertificateHealth', () => {
  const withManagement = { managementIdentity: { identity: { notAfter }, caCertificates: [] } } as unknown as Parameters<typeof managementCertificateHealth>[0];

  it.each([
    [31, undefined],
    [29, 'management.certificateExpiring'],
    [0, 'management.certificateExpiring'],
    [-1, 'management.certificateExpired'],
  ])('%s days before the end of its validity: %s', (days, want) => {
    expect(managementCertificateHealth(withManagement, daysBefore(days))).toBe(want);
  });

  it('says nothing of a profile without remote management, however late', () => {
    expect(managementCertificateHealth({}, daysBefore(-400))).toBeUndefined();
  });

  it('warns without cutting the TI: only remote management is lost', () => {
    expect(HEALTH_CATALOGUE['management.certificateExpiring']).toMatchObject({ severity: 'warning', impactsTi: false });
    expect(HEALTH_CATALOGUE['management.certificateExpired']).toMatchObject({ severity: 'warning', impactsTi: false });
  });
});

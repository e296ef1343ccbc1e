// Which certificate warnings of the health catalogue apply to a profile at a given time: the
// box's (the tunnel's) and remote management's own. Pure: the caller raises the one returned and
// clears the other.
import type { HealthCode } from '../../core/index.ts';
import type { VpnProfile } from './types.ts';

/** How long before the end of validity the box starts to warn. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

export type CertificateHealthCode = Extract<HealthCode, 'profile.certificateExpiring' | 'profile.certificateExpired'>;
export type ManagementCertificateHealthCode = Extract<HealthCode, 'management.certificateExpiring' | 'management.certificateExpired'>;

function expiry(notAfter: string, now: Date): 'expired' | 'expiring' | undefined {
  const left = Date.parse(notAfter) - now.getTime();
  if (left < 0) return 'expired';
  if (left < EXPIRY_WARNING_DAYS * DAY_MS) return 'expiring';
  return undefined;
}

export function certificateHealth(profile: Pick<VpnProfile, 'identity'>, now: Date): CertificateHealthCode | undefined {
  const state = expiry(profile.identity.notAfter, now);
  return state === 'expired' ? 'profile.certificateExpired' : state === 'expiring' ? 'profile.certificateExpiring' : undefined;
}

/** None for a profile without remote management (format version 1). */
export function managementCertificateHealth(profile: Pick<VpnProfile, 'managementIdentity'>, now: Date): ManagementCertificateHealthCode | undefined {
  const identity = profile.managementIdentity?.identity;
  const state = identity && expiry(identity.notAfter, now);
  return state === 'expired' ? 'management.certificateExpired' : state === 'expiring' ? 'management.certificateExpiring' : undefined;
}

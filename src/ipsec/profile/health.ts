// Which certificate warning of the health catalogue applies to a profile at a given time.
// Pure: the caller raises the one returned and clears the other.
import type { HealthCode } from '../../core/index.ts';
import type { VpnProfile } from './types.ts';

/** How long before the end of validity the box starts to warn. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

export type CertificateHealthCode = Extract<HealthCode, 'profile.certificateExpiring' | 'profile.certificateExpired'>;

export function certificateHealth(profile: Pick<VpnProfile, 'identity'>, now: Date): CertificateHealthCode | undefined {
  const left = Date.parse(profile.identity.notAfter) - now.getTime();
  if (left < 0) return 'profile.certificateExpired';
  if (left < EXPIRY_WARNING_DAYS * DAY_MS) return 'profile.certificateExpiring';
  return undefined;
}

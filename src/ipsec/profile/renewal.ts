// A profile renewal pushed by remote management: the offered file passes the same import as one an
// installer brings, and beyond that it must be this box's. The profile-signing key is the
// datacenter's for the whole fleet, so a signed profile of another box would verify too; taking
// it would give this box another's TI segment and identity.
import { ProfileError } from './errors.ts';
import type { VpnProfile } from './types.ts';

/** Why `offered` cannot renew `current`, or undefined when it can. A box without a profile takes any that verifies. */
export function renewalProblem(current: Pick<VpnProfile, 'boxId'> | undefined, offered: Pick<VpnProfile, 'boxId'>): ProfileError | undefined {
  if (current === undefined || current.boxId === offered.boxId) return undefined;
  return new ProfileError('TIBOX_PROFILE_OTHER_BOX', { offered: offered.boxId, current: current.boxId }, { offered: offered.boxId, current: current.boxId });
}

/** Whether `offered` is the profile in use already: a renewal sent twice changes nothing the second time. */
export function sameProfile(current: VpnProfile | undefined, offered: VpnProfile): boolean {
  return current !== undefined && canonical(current) === canonical(offered);
}

/** JSON with every object's keys in order: the store gives a profile back with its fields in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
}

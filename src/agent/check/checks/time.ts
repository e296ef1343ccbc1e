// 3 Time: chrony follows a time source and the clock is within a second of it, and the
// certificates of the profile (the box's, its CAs', remote management's) are valid at this time.
// An unsynchronised clock makes the certificate dates unreliable, so it fails before they count.
import { X509Certificate } from 'node:crypto';
import type { VpnProfile } from '../../../ipsec/index.ts';
import type { Tracking } from '../../clock/chronyTracking.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

/** The issue's bound: a TLS or IKE peer tolerates seconds, and chrony reaches milliseconds. */
const MAX_OFFSET_S = 1;

export interface CertificateDates {
  readonly name: string;
  /** ISO times. */
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface TimeFacts {
  readonly now: Date;
  readonly tracking?: Tracking;
  /** Undefined without a profile. */
  readonly certificates?: readonly CertificateDates[];
}

export const timeCheck: Check<TimeFacts> = {
  id: 'time',
  number: 3,
  timeoutMs: 7_000,
  async gather(sources) {
    const tracking = await sources.clock();
    const profile = sources.profile();
    return { now: sources.now(), ...(tracking ? { tracking } : {}), ...(profile ? { certificates: certificatesOf(profile) } : {}) };
  },
  judge: judgeTime,
};

export function judgeTime({ now, tracking, certificates }: TimeFacts): Judgement {
  if (!tracking?.synchronised) return { verdict: 'fail', value: 'not synchronised', fixKey: 'time.unsynchronised' };
  const offset = Math.abs(tracking.offsetS);
  const clock = `synchronised to ${tracking.reference}, offset ${formatSeconds(tracking.offsetS)} s`;
  if (offset >= MAX_OFFSET_S) return { verdict: 'fail', value: clock, fixKey: 'time.offset', params: { offset: formatSeconds(tracking.offsetS) } };
  if (!certificates) return { verdict: 'fail', value: clock, fixKey: 'profile.missing' };
  const at = now.getTime();
  for (const c of certificates) {
    if (Date.parse(c.notBefore) > at) return { verdict: 'fail', value: `${clock}; ${c.name} valid from ${c.notBefore}`, fixKey: 'time.certificateNotYetValid', params: { certificate: c.name, notBefore: c.notBefore } };
    if (Date.parse(c.notAfter) < at) return { verdict: 'fail', value: `${clock}; ${c.name} expired ${c.notAfter}`, fixKey: 'time.certificateExpired', params: { certificate: c.name, notAfter: c.notAfter } };
  }
  const firstEnd = [...certificates].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter))[0];
  return { verdict: 'pass', value: `${clock}; ${certificates.length} certificates valid${firstEnd ? `, the first ends ${firstEnd.notAfter} (${firstEnd.name})` : ''}` };
}

/** The certificates the box relies on, named as the installer would ask the datacenter about them. */
function certificatesOf(profile: VpnProfile): CertificateDates[] {
  const ca = (pem: string, i: number, of: string) => {
    const cert = new X509Certificate(pem);
    return { name: `${of} CA ${i + 1}`, notBefore: new Date(cert.validFrom).toISOString(), notAfter: new Date(cert.validTo).toISOString() };
  };
  const management = profile.managementIdentity;
  return [
    { name: 'box certificate', notBefore: profile.identity.notBefore, notAfter: profile.identity.notAfter },
    ...profile.caCertificates.map((pem, i) => ca(pem, i, 'gateway')),
    ...(management
      ? [{ name: 'management certificate', notBefore: management.identity.notBefore, notAfter: management.identity.notAfter }, ...management.caCertificates.map((pem, i) => ca(pem, i, 'management'))]
      : []),
  ];
}

function formatSeconds(s: number): string {
  return s.toFixed(3).replace(/\.?0+$/, '') || '0';
}

// The agent's summary of the VPN profile (profile.show, profile.import), as the web UI reads it;
// a unit test checks that the profile's ProfileSummary fits. Never key material.

export interface ProfileView {
  boxId: string;
  gateways: { kind: 'addresses'; addresses: readonly string[] } | { kind: 'srv'; srv: string };
  gatewayIds: readonly string[];
  tiSegment: string;
  certificate: { subject: string; subjectAltNames: string; notBefore: string; notAfter: string; fingerprint256: string };
}

/** Whole days from `now` until the certificate's end: negative once it has expired. */
export function daysUntil(notAfter: string, now: Date): number {
  return Math.floor((new Date(notAfter).getTime() - now.getTime()) / 86_400_000);
}

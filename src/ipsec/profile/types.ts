// The imported profile as plain readonly data (ARCHITECTURE habit 4): strings, numbers and
// lists only, so it is comparable, cloneable and survives a JSON round trip unchanged.

export type GatewaySource =
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] }
  | { readonly kind: 'srv'; readonly srv: string };

/** The cipher suites offered for IKE and for ESP, each list most preferred first. */
export type Proposals = Readonly<Record<'ike' | 'esp', readonly string[]>>;

/** Everything of the payload except identity and CAs, validated field by field. */
export interface ProfileSettings {
  readonly boxId: string;
  readonly gateways: GatewaySource;
  /** Identities a gateway may authenticate with; exact values, no wildcards (docs/profile.md). */
  readonly gatewayIds: readonly string[];
  readonly proposals: Proposals;
  /** IPv4 CIDR of the box's TI segment, /24 to /28. */
  readonly tiSegment: string;
  readonly tiPrefixes: readonly string[];
  readonly connector: { readonly addresses: readonly string[]; readonly probe: { readonly address: string } };
  readonly tiDns: { readonly servers: readonly string[]; readonly domains: readonly string[] };
  readonly management: { readonly url: string; readonly prefix: string };
}

export interface BoxIdentity {
  readonly certificate: string;
  /** PKCS#8 PEM, unencrypted: the box's secret. Never logged, stored 0600. */
  readonly privateKey: string;
  /** As node:crypto prints it, one `KEY=value` per line. */
  readonly subject: string;
  /** As node:crypto prints it, e.g. `DNS:box-0001.example, IP Address:10.0.0.1`; empty if none. */
  readonly subjectAltNames: string;
  /** ISO 8601 times of the certificate's validity. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
}

/**
 * Remote management's own identity (format version 2): a client certificate with the client-auth
 * usage for mutual TLS with the management server, and the CAs that sign that server's
 * certificate, which is checked against these alone.
 */
export interface ManagementIdentity {
  readonly identity: BoxIdentity;
  readonly caCertificates: readonly string[];
}

export interface VpnProfile extends ProfileSettings {
  readonly identity: BoxIdentity;
  /** PEM certificates of the CAs the box trusts for the gateways (and that issued its own). */
  readonly caCertificates: readonly string[];
  /** Absent in a version 1 profile: such a box works without remote management. */
  readonly managementIdentity?: ManagementIdentity;
}

/** What the control API and the CLI show of a profile: never key material. */
export interface ProfileSummary extends Pick<ProfileSettings, 'boxId' | 'gateways' | 'gatewayIds' | 'tiSegment'> {
  readonly certificate: Pick<BoxIdentity, 'subject' | 'subjectAltNames' | 'notBefore' | 'notAfter' | 'fingerprint256'>;
}

export function summarize(profile: VpnProfile): ProfileSummary {
  const { subject, subjectAltNames, notBefore, notAfter, fingerprint256 } = profile.identity;
  return {
    boxId: profile.boxId,
    gateways: profile.gateways,
    gatewayIds: profile.gatewayIds,
    tiSegment: profile.tiSegment,
    certificate: { subject, subjectAltNames, notBefore, notAfter, fingerprint256 },
  };
}

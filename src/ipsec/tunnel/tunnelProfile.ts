// What the tunnel needs of the VPN profile, as plain readonly data. The composition root builds
// it from the imported profile (gateway names and SRV records already resolved to addresses,
// in priority order), so the tunnel never parses profiles itself.

export interface TunnelProfile {
  boxId: string;
  certificatePem: string;
  /** PKCS#8 PEM; handed to charon only, never logged. */
  privateKeyPem: string;
  caCertificatesPem: readonly string[];
  /** Gateway addresses, most preferred first. */
  gateways: readonly string[];
  /** Identities the gateways may present (IKE IDs). */
  gatewayIds: readonly string[];
  proposals: { ike: readonly string[]; esp: readonly string[] };
  tiSegment: string;
  tiPrefixes: readonly string[];
  /** The box's own address in the TI segment: source of its probes and TI traffic. */
  localTiAddress: string;
  /** A TI address that answers ICMP through the tunnel (connector or the datacenter's probe target). */
  probeAddress: string;
}

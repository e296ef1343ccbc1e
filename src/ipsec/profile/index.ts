// The VPN profile (ARCHITECTURE.md §5, docs/profile.md): import of the datacenter-signed file,
// its transactional store, certificate health, gateway order by SRV and the gateways' addresses.
// Owns `<dataDir>/profile/`.
// Imported by the profile service in src/ipsec; the rest of tibox sees the profile through it.
export { importProfile, type ImportOptions } from './importProfile.ts';
export { ProfileError, type ProfileErrorCode } from './errors.ts';
export { renewalProblem, sameProfile } from './renewal.ts';
export { ProfileStore } from './store.ts';
export { certificateHealth, EXPIRY_WARNING_DAYS, managementCertificateHealth, type CertificateHealthCode, type ManagementCertificateHealthCode } from './health.ts';
export { registerProfileActions, type ProfileActionsDeps } from './actions.ts';
export { orderSrvRecords, resolveGateways, IKE_PORT, type SrvRecord, type ResolveOptions } from './srv.ts';
export { resolveGatewayAddresses, type AddressResolver, type NameAddresses } from './gatewayAddresses.ts';
export { DEFAULT_MAX_BYTES, PROFILE_FORMAT, PROFILE_VERSION, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './envelope.ts';
export { DEFAULT_PROPOSALS } from './payload.ts';
export { summarize, type VpnProfile, type ProfileSettings, type BoxIdentity, type GatewaySource, type ManagementIdentity, type Proposals, type ProfileSummary } from './types.ts';

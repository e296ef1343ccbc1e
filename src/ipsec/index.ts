// The ipsec subsystem owns the IKEv2 tunnel to the TI: charon, reached over VICI (./vici/, kept
// connected by CharonLink across charon restarts), the datacenter-signed VPN profile (./profile/,
// fed to the tunnel by ProfileService) and the tunnel controller (./tunnel/) that keeps a tunnel
// up that passes traffic and tells the routes module which way the TI prefixes go, and the path
// MTU watch (./pathMtu/) that sizes the tunnel to the internet line, and the IKE probe
// (./ikeProbe/) that asks a gateway whether its IKE ports answer. It also renders charon's
// strongswan.conf for the image.
// Only the composition root in src/agent/ imports it.
export { renderCharonConf, type CharonConfOptions } from './charonConf.ts';
export { CharonLink } from './charonLink.ts';
export { localTiAddress, ProfileService, type GatewayResolution, type ProfileDataPath, type ProfileServiceDeps, type RenewalResult } from './profileService.ts';
export type { ManagementIdentity, ProfileSummary, VpnProfile } from './profile/index.ts';
export {
  LIBIPSEC_DEVICE, readWanRoute, registerTunnelActions, ResumeFile, StoredTunnelHistory, tcpKnock, TunnelController, tunnelPath,
  type TunnelEvent, type TunnelHistoryRepository, type TunnelState, type TunnelStatus, type WanRoute,
} from './tunnel/index.ts';
export {
  mssFor, netlinkPmtuCache, NetlinkLinkMtus, PathMtuWatch, pingDfProbe, wanMtuProblem, type LinkMtus, type MtuDecision, type PathMtuStatus,
} from './pathMtu/index.ts';
export { udpIkeProbe, type IkeProbe, type IkeProbeOutcome } from './ikeProbe/index.ts';

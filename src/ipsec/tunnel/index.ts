// The tunnel subsystem owns the IKEv2 tunnel in charon: it loads the box's credentials and one
// connection per gateway over VICI, keeps a tunnel up that really passes traffic, replaces it
// make-before-break when it stops, and tells the routes module which way the TI prefixes go.
// The profile service in src/ipsec imports it; the composition root reaches it through ../index.ts.
export { TunnelController } from './controller.ts';
export { DEFAULT_TIMINGS, type TunnelDeps, type TunnelRoutes, type RoutePath, type TunnelTimings, type TunnelVici } from './ports.ts';
export type { TunnelStatus, TunnelState, TunnelEvent, TunnelHistory } from './status.ts';
export { StoredTunnelHistory } from './history.ts';
export type { TunnelHistoryRepository } from './historyRepository.ts';
export type { TunnelProfile } from './tunnelProfile.ts';
export { planCharon, connectionName, CHILD_NAME } from './charonPlan.ts';
export { backoffDelayMs, MAX_BACKOFF_MS } from './backoff.ts';
export { classifyFailure, type FailureReason } from './failure.ts';
export { registerTunnelActions } from './actions.ts';
export { ResumeFile } from './resumeFile.ts';
export { tcpKnock } from './knockProbe.ts';
export { backendFromPlugins, tunnelPath, readWanRoute, LIBIPSEC_DEVICE, type KernelBackend, type WanRoute } from './backend.ts';

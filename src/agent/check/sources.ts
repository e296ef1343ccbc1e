// What the checks read, each through the adapter or the subsystem that already owns it: the WAN
// kernel port, the health list, the profile service, the clock watch, the IKE probe, the tunnel
// controller and its path MTU watch, the device inventory and the LAN's address plan. The
// composition root builds one set per run (wiring/check.ts), so the gateways are resolved and each
// gateway port probed once per run even where two checks need the answer.
import type { HealthWarning } from '../../core/index.ts';
import type { GatewayResolution, IkeProbeOutcome, PathMtuStatus, TunnelStatus, VpnProfile } from '../../ipsec/index.ts';
import type { PlanFinding, SegmentHalves } from '../../lan/index.ts';
import type { Device, NeighbourEntry, ProbeResult, SicctAnswer } from '../../lan/inventory/index.ts';
import type { WanKernelState, WanMode } from '../../wan/index.ts';
import type { Tracking } from '../clock/chronyTracking.ts';
import type { DnsOutcome } from './dnsQuery.ts';
import type { SdsOutcome } from './sdsFetch.ts';

export interface CheckSources {
  now(): Date;
  health(): readonly HealthWarning[];
  wanSettings(): { readonly port: string; readonly mode: WanMode };
  wanState(port: string): Promise<WanKernelState>;
  profile(): VpnProfile | undefined;
  /** The gateways as the WAN's name servers give them now; once per run. */
  gateways(profile: VpnProfile): Promise<GatewayResolution>;
  /** chrony asked now; undefined when the clock watch has no answer. */
  clock(): Promise<Tracking | undefined>;
  /** Whether the gateway's IKE answers on the port; once per gateway and port per run. */
  ike(gateway: string, port: 500 | 4500): Promise<IkeProbeOutcome>;
  tunnel(): TunnelStatus;
  /** The path MTU watch's last decision. */
  mtu(): PathMtuStatus;
  tunnelEnabled(): boolean;
  /** GET https://<address>/connector.sds from the box's TI address, through the tunnel. */
  connectorSds(address: string, localAddress: string, signal: AbortSignal): Promise<SdsOutcome>;
  /** The SOA question for `name` to `server`, sent from `localAddress` when given. */
  dns(server: string, name: string, localAddress: string | undefined, signal: AbortSignal): Promise<DnsOutcome>;
  devices(): readonly Device[];
  /** A TCP connect to the SICCT port, 4742, of a card terminal's address, closed at once. */
  sicct(address: string): Promise<ProbeResult>;
  /** The terminal's SICCT service description, asked by unicast on UDP 4742. */
  sicctDescription(address: string): Promise<SicctAnswer>;
  neighbours(): readonly NeighbourEntry[];
  /** The address plan checked against the kernel now. */
  addressPlan(): Promise<{ readonly halves: SegmentHalves | null; readonly findings: readonly PlanFinding[] }>;
}

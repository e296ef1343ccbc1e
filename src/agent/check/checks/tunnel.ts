// 7 Tunnel: up and carrying traffic (the tunnel controller's own judgement: traffic answered, a
// probe, or the idle heartbeat), through which gateway, and whether the box could fail over:
// every other gateway of the profile answers IKE (the passthrough check's probes, made once).
import type { TunnelStatus } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';
import { probeGateways, type GatewayPorts } from './passthrough.ts';

export interface TunnelFacts {
  readonly hasProfile: boolean;
  readonly enabled: boolean;
  readonly status: Pick<TunnelStatus, 'state' | 'since' | 'gateway' | 'evidence' | 'lastError' | 'traffic'>;
  readonly gateways: readonly GatewayPorts[];
}

export const tunnelCheck: Check<TunnelFacts> = {
  id: 'tunnel',
  number: 7,
  timeoutMs: 10_000,
  async gather(sources) {
    const gateways = await probeGateways(sources);
    return { hasProfile: gateways !== undefined, enabled: sources.tunnelEnabled(), status: sources.tunnel(), gateways: gateways ?? [] };
  },
  judge: judgeTunnel,
};

export function judgeTunnel({ hasProfile, enabled, status, gateways }: TunnelFacts): Judgement {
  if (!hasProfile) return { verdict: 'fail', value: 'no profile', fixKey: 'profile.missing' };
  if (!enabled) return { verdict: 'fail', value: 'switched off', fixKey: 'tunnel.disabled' };
  if (status.state !== 'up' || !status.gateway) {
    const reason = status.lastError ? `: ${status.lastError.detail ?? status.lastError.reason}` : '';
    return { verdict: 'fail', value: `${status.state} since ${status.since}${reason}`, fixKey: 'tunnel.down', params: { state: status.state, reason } };
  }
  const gateway = status.gateway;
  const carrying = status.evidence ? `, ${status.evidence.kind} at ${status.evidence.at}` : '';
  const traffic = `${status.traffic.packetsIn} packets in, ${status.traffic.packetsOut} out`;
  const others = gateways.filter((g) => g.gateway !== gateway);
  const standby = others.map((g) => `${g.gateway} ${answers(g) ? 'answers IKE' : 'silent'}`);
  const value = [`up via ${gateway} since ${status.since}${carrying}`, traffic, ...(standby.length > 0 ? [`standby ${standby.join(', ')}`] : [])].join('; ');
  // The profile's gateways did not resolve now: which one could take over is not known.
  if (gateways.length === 0) return { verdict: 'warn', value, fixKey: 'passthrough.noGateway' };
  if (others.length === 0) return { verdict: 'warn', value, fixKey: 'tunnel.oneGateway' };
  const silent = others.filter((g) => !answers(g)).map((g) => g.gateway);
  if (silent.length > 0) return { verdict: 'warn', value, fixKey: 'tunnel.noStandby', params: { silent: silent.join(', '), gateway } };
  return { verdict: 'pass', value };
}

/** A failover starts on UDP 500 and moves to 4500 behind NAT: it needs both. */
function answers(g: GatewayPorts): boolean {
  return g.udp500.answered && g.udp4500.answered;
}

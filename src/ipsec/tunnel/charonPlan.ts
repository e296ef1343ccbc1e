// Pure planning of what charon must hold for the tunnel: the box's key and certificates and one
// connection per gateway (charon only ever initiates to the first address of a list, so a list
// never fails over: ARCHITECTURE.md §3). Each connection has the same CHILD_SA `ti`; the
// controller chooses which gateway to initiate and replaces SAs make-before-break.
// charon does no DPD of its own here: the controller judges the tunnel by traffic and repairs it.
import type { ViciInit } from '../vici/index.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

export const CHILD_NAME = 'ti';
const CONNECTION_PREFIX = 'tibox-gw';

export function connectionName(gatewayIndex: number): string {
  return `${CONNECTION_PREFIX}${gatewayIndex}`;
}

/** The gateway index of one of our connection names, or undefined for anything else. */
export function gatewayIndexOf(connection: string): number | undefined {
  // Exactly the names connectionName() writes: Number() alone would also take '', '0x1', '1e1' or '01'.
  const digits = /^(?:0|[1-9]\d*)$/.exec(connection.slice(CONNECTION_PREFIX.length))?.[0];
  return connection.startsWith(CONNECTION_PREFIX) && digits !== undefined ? Number(digits) : undefined;
}

export interface CharonPlan {
  key: { type: 'any'; data: string };
  certificates: { type: 'X509'; flag: 'NONE' | 'CA'; data: string }[];
  connections: { name: string; config: ViciInit }[];
}

export function planCharon(profile: TunnelProfile): CharonPlan {
  return {
    key: { type: 'any', data: profile.privateKeyPem },
    certificates: [
      { type: 'X509', flag: 'NONE', data: profile.certificatePem },
      ...profile.caCertificatesPem.map((data) => ({ type: 'X509' as const, flag: 'CA' as const, data })),
    ],
    connections: profile.gateways.map((gateway, index) => ({ name: connectionName(index), config: connectionConfig(profile, gateway) })),
  };
}

function connectionConfig(profile: TunnelProfile, gateway: string): ViciInit {
  return {
    version: 2,
    local_addrs: ['%any'],
    remote_addrs: [gateway],
    proposals: [...profile.proposals.ike],
    mobike: 'yes',
    // No DPD and no automatic re-establishment: liveness is judged by traffic and repaired by
    // the controller, which never tears down what still works.
    dpd_delay: 0,
    keyingtries: 1,
    local: { auth: 'pubkey', certs: [profile.certificatePem], id: profile.boxId },
    remote: {
      auth: 'pubkey',
      id: profile.gatewayIds.length === 1 ? (profile.gatewayIds[0] as string) : '%any',
      cacerts: [...profile.caCertificatesPem],
    },
    children: {
      [CHILD_NAME]: {
        local_ts: [profile.tiSegment],
        remote_ts: [...profile.tiPrefixes],
        esp_proposals: [...profile.proposals.esp],
        mode: 'tunnel',
        start_action: 'none',
        dpd_action: 'none',
        close_action: 'none',
      },
    },
  };
}

// Pure planning of what charon must hold for the tunnel: the box's key and certificates and one
// connection per gateway (charon only ever initiates to the first address of a list, so a list
// never fails over: ARCHITECTURE.md §3). Each connection has the same CHILD_SA `ti`; the
// controller chooses which gateway to initiate and replaces SAs make-before-break.
// charon does no DPD of its own here: the controller judges the tunnel by traffic and repairs it.
import type { ViciInit } from '../vici/index.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

export const CHILD_NAME = 'ti';
const CONNECTION_PREFIX = 'tibox-gw';

/** The suffix of the connection the service starts at boot (resumeSwanctl.ts). */
const BOOT_SUFFIX = '-boot';

export function connectionName(gatewayIndex: number): string {
  return `${CONNECTION_PREFIX}${gatewayIndex}`;
}

/**
 * The name of the saved tunnel's connection as the service loads it at boot, with
 * start_action = start: a name of its own, so that the agent's plan never replaces it (charon
 * undoes a start action, closing the SA, when a connection that has one is replaced or unloaded).
 */
export function bootConnectionName(gatewayIndex: number): string {
  return `${connectionName(gatewayIndex)}${BOOT_SUFFIX}`;
}

export function isBootConnection(connection: string): boolean {
  return connection.endsWith(BOOT_SUFFIX) && gatewayIndexOf(connection) !== undefined;
}

/** The gateway index of one of our connection names (the boot one's too), or undefined for anything else. */
export function gatewayIndexOf(connection: string): number | undefined {
  const name = connection.endsWith(BOOT_SUFFIX) ? connection.slice(0, -BOOT_SUFFIX.length) : connection;
  // Exactly the names connectionName() writes: Number() alone would also take '', '0x1', '1e1' or '01'.
  const digits = /^(?:0|[1-9]\d*)$/.exec(name.slice(CONNECTION_PREFIX.length))?.[0];
  return name.startsWith(CONNECTION_PREFIX) && digits !== undefined ? Number(digits) : undefined;
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

// The tunnel profile the tests share: two gateways, the TI segment of a practice, two TI prefixes.
import type { TunnelProfile } from '../../../../src/ipsec/tunnel/tunnelProfile.ts';

export const GW0 = '198.51.100.10';
export const GW1 = '192.0.2.10';
export const PROBE = '100.64.10.10';
export const LOCAL_TI = '10.77.12.1';

export const PROFILE: TunnelProfile = {
  boxId: 'box-0042.tibox.example',
  certificatePem: 'BOX-CERT',
  privateKeyPem: 'BOX-KEY',
  caCertificatesPem: ['CA-ROOT', 'CA-SUB'],
  gateways: [GW0, GW1],
  gatewayIds: ['gw.dc.example'],
  proposals: { ike: ['aes256gcm16-prfsha384-ecp384'], esp: ['aes256gcm16-ecp384'] },
  tiSegment: '10.77.12.0/26',
  tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
  localTiAddress: LOCAL_TI,
  probeAddress: PROBE,
};

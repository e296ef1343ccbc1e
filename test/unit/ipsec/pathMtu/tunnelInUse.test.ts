import { describe, expect, it } from 'vitest';
import { describeTransform, tunnelInUse } from '../../../../src/ipsec/pathMtu/tunnelInUse.ts';
import { viciMessage, type Named, type ViciInit } from '../../../../src/ipsec/vici/index.ts';

const ikeSa = (name: string, fields: ViciInit): Named => ({ name, section: viciMessage(fields) });
const ti = (id: number, state: string, extra: ViciInit = {}) => ({ [`ti-${id}`]: { name: 'ti', uniqueid: id, state, ...extra } });

describe('tunnelInUse', () => {
  it('reads the gateway, the local address and the transform of the CHILD_SA that carries', () => {
    const listing = [
      ikeSa('tibox-gw0', { uniqueid: 3, state: 'CONNECTING', 'remote-host': '198.51.100.10' }),
      ikeSa('tibox-gw1', {
        uniqueid: 4, state: 'ESTABLISHED', 'local-host': '192.168.178.2', 'remote-host': '192.0.2.10', established: 5,
        'child-sas': ti(7, 'INSTALLED', { 'encr-alg': 'AES_GCM_16', 'encr-keysize': 256, encap: 'yes', protocol: 'ESP' }),
      }),
    ];
    expect(tunnelInUse(listing)).toEqual({
      ikeId: 4, gateway: '192.0.2.10', localHost: '192.168.178.2', transform: { encryption: 'AES_GCM_16', keySize: 256, udpEncapsulated: true },
    });
  });

  it('reads an integrity algorithm and plain ESP', () => {
    const listing = [
      ikeSa('tibox-gw0', {
        uniqueid: 1, state: 'ESTABLISHED', 'remote-host': '198.51.100.10',
        'child-sas': ti(2, 'INSTALLED', { 'encr-alg': 'AES_CBC', 'encr-keysize': 128, 'integ-alg': 'HMAC_SHA2_256_128' }),
      }),
    ];
    const transform = tunnelInUse(listing)?.transform;
    expect(transform).toEqual({ encryption: 'AES_CBC', keySize: 128, integrity: 'HMAC_SHA2_256_128', udpEncapsulated: false });
    expect(describeTransform(transform!)).toBe('AES_CBC-128/HMAC_SHA2_256_128, ESP');
  });

  it('finds none while no CHILD_SA is installed', () => {
    expect(tunnelInUse([ikeSa('tibox-gw0', { uniqueid: 1, state: 'ESTABLISHED', 'child-sas': ti(2, 'CREATED') })])).toBeUndefined();
    expect(tunnelInUse([])).toBeUndefined();
  });
});

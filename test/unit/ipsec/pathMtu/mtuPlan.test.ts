import { describe, expect, it } from 'vitest';
import { decideMtu, type MtuFacts } from '../../../../src/ipsec/pathMtu/mtuPlan.ts';

const tunnel = { transform: { encryption: 'AES_GCM_16', keySize: 256, udpEncapsulated: true }, family: 4 } as const;
const found = (pathMtu: number) => ({ kind: 'found', pathMtu, probes: 2, gateway: '198.51.100.10' }) as const;
const facts = (more: Partial<MtuFacts>): MtuFacts => ({ configured: 0, linkMtu: 1500, tunnel, ...more });

describe('decideMtu', () => {
  it('takes the probed path MTU towards the gateway and the negotiated transform', () => {
    expect(decideMtu(facts({ probe: found(1452) }))).toEqual({
      pathMtu: 1452, source: 'probed', because: 'probed towards 198.51.100.10', overhead: 63, tunnelMtu: 1389, mss: 1349,
    });
  });

  it('takes the configured line MTU over any probe', () => {
    expect(decideMtu(facts({ configured: 1492, probe: found(1500) }))).toMatchObject({ pathMtu: 1492, source: 'configured', tunnelMtu: 1429, mss: 1389 });
  });

  it('stays within a device limit of its own (kernel-libipsec reads 1400 bytes a packet), below it follows the path', () => {
    expect(decideMtu(facts({ probe: found(1500), deviceLimit: 1400 }))).toMatchObject({ pathMtu: 1500, overhead: 63, tunnelMtu: 1400, mss: 1360 });
    expect(decideMtu(facts({ probe: found(1452), deviceLimit: 1400 }))).toMatchObject({ tunnelMtu: 1389, mss: 1349 });
  });

  it('never goes above the WAN port\'s own MTU', () => {
    expect(decideMtu(facts({ configured: 1500, linkMtu: 1492 }))).toMatchObject({ pathMtu: 1492, because: 'configured 1500, WAN port 1492' });
    expect(decideMtu(facts({ linkMtu: 1400, probe: found(1500) }))).toMatchObject({ pathMtu: 1400 });
  });

  it('assumes a small path until a probe has said, so no early connection runs into a black hole', () => {
    expect(decideMtu({ configured: 0, linkMtu: 1500 })).toMatchObject({ pathMtu: 1280, source: 'assumed', because: 'not probed yet', tunnelMtu: 1181 });
  });

  it('falls back to an MTU a router named, then to the WAN port, when the gateway answers no probe', () => {
    const silent = { kind: 'unknown', reason: 'the gateway answered no probe', probes: 10, gateway: '198.51.100.10' } as const;
    expect(decideMtu(facts({ probe: { ...silent, reported: 1460 } }))).toMatchObject({ pathMtu: 1460, source: 'probed' });
    expect(decideMtu(facts({ probe: silent }))).toMatchObject({
      pathMtu: 1500, source: 'link', because: "the gateway answered no probe: the WAN port's MTU; set tunnel.wanMtu if the line is smaller",
    });
  });

  it('flags a path under 1400 for the health warning, probed or configured, never one merely assumed', () => {
    expect(decideMtu(facts({ probe: found(1280) })).small).toBe('path MTU 1280 (probed towards 198.51.100.10): tunnel MTU 1217, TCP MSS 1177');
    expect(decideMtu(facts({ configured: 1399 })).small).toBe('path MTU 1399 (configured): tunnel MTU 1333, TCP MSS 1293');
    expect(decideMtu(facts({ probe: found(1400) })).small).toBeUndefined();
    expect(decideMtu({ configured: 0, linkMtu: 1500 }).small).toBeUndefined();
  });
});

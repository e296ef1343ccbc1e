// The desired state as the composition root builds it from the address plan, the config, the
// profile and the inventory.
import { describe, expect, it } from 'vitest';
import { dnsmasqDesired, type DnsmasqInputs } from '../../../../src/lan/dnsmasq/index.ts';

const onBridge = { name: 'empfang', mac: '02:00:5e:10:00:40', address: '10.77.12.40' };
const onPracticeLan = { name: 'labor', mac: '02:00:5e:10:00:41', address: '10.77.12.20' };
const INPUTS: DnsmasqInputs = {
  halves: { lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33' },
  lanPort: 'lan0',
  terminalBridge: 'br-term',
  tiDns: { servers: ['100.102.0.53'], domains: ['telematik', 'telematik-test'] },
  terminals: [onPracticeLan, onBridge],
};

describe('dnsmasqDesired', () => {
  it('serves DNS on both gateways, asks the TI DNS from the LAN-half gateway and leases only terminals on the bridge', () => {
    expect(dnsmasqDesired(INPUTS)).toEqual({
      listen: ['10.77.12.1', '10.77.12.33'],
      lanPort: 'lan0',
      tiDns: { servers: ['100.102.0.53'], domains: ['telematik', 'telematik-test'], source: '10.77.12.1' },
      upstreams: [],
      dhcp: { bridge: 'br-term', prefix: '10.77.12.32/27', gateway: '10.77.12.33', leaseSeconds: 3_600, terminals: [onBridge] },
    });
  });

  it('serves DNS on the LAN-half gateway only and no DHCP without terminal ports', () => {
    const desired = dnsmasqDesired({ ...INPUTS, terminalBridge: null, upstreams: ['192.168.178.1'], leaseSeconds: 7_200 });
    expect([desired.listen, desired.dhcp, desired.upstreams]).toEqual([['10.77.12.1'], null, ['192.168.178.1']]);
  });
});

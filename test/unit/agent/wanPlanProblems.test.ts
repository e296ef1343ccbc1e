// The check a WAN change meets before it is committed: a static WAN against the practice network
// and, once a profile is in, against the TI segment (the address-plan check).
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../src/agent/store/index.ts';
import { wanPlanProblems } from '../../../src/agent/wiring/wan.ts';
import type { PlanCheckInput } from '../../../src/lan/index.ts';

const INPUT: PlanCheckInput = {
  tiSegment: '10.77.12.0/26',
  tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
  managementPrefix: '100.102.0.0/24',
  lan: { port: 'lan0', addresses: ['192.168.1.2/24', '169.254.77.1/16'] },
  wan: { port: 'wan0', addresses: ['192.168.178.2/24'] },
  routes: [],
  gateways: ['198.51.100.10'],
};
const withWan = (wan: Partial<Config['wan']>): Config => ({ ...defaultConfig(), wan: { ...defaultConfig().wan, ...wan } });
const lan = (input: PlanCheckInput | undefined) => ({ lastPlanInput: () => input });

describe('the WAN commit check', () => {
  it('passes DHCP, and a static WAN of its own network', () => {
    expect(wanPlanProblems(withWan({ mode: 'dhcp', address: '192.168.1.9/24' }), lan(INPUT))).toEqual([]);
    expect(wanPlanProblems(withWan({ mode: 'static', address: '192.168.178.9/24', gateway: '192.168.178.1' }), lan(INPUT))).toEqual([]);
  });

  it('refuses a static WAN in the practice network, also before a profile (against the fallback)', () => {
    expect(wanPlanProblems(withWan({ mode: 'static', address: '192.168.1.9/24', gateway: '192.168.1.1' }), lan(INPUT))).toEqual([{
      path: 'wan.address',
      message: 'the WAN subnet 192.168.1.0/24 overlaps the practice network 192.168.1.0/24 of the LAN port (192.168.1.2/24); the WAN must be a network of its own',
    }]);
    expect(wanPlanProblems(withWan({ mode: 'static', address: '169.254.1.9/16', gateway: '169.254.1.1' }), lan(undefined))).toMatchObject([{ path: 'wan.address' }]);
  });

  it('refuses a static WAN over the TI segment with the address plan\'s words', () => {
    const [problem] = wanPlanProblems(withWan({ mode: 'static', address: '10.77.12.50/24', gateway: '10.77.12.254' }), lan(INPUT));
    expect(problem).toEqual({ path: 'wan.address', message: expect.stringMatching(/^The WAN network 10\.77\.12\.0\/24 \(the box's address 10\.77\.12\.50 on wan0\) overlaps the TI segment 10\.77\.12\.0\/26/) });
  });
});

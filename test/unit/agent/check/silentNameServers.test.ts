// Silent name servers (loopback sockets that never answer): the checks asking them fail in words
// inside their limits, not as "no answer" by the runner's time limit.
import { createSocket, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runnable } from '../../../../src/agent/check/check.ts';
import { passthroughCheck } from '../../../../src/agent/check/checks/passthrough.ts';
import { tiDnsCheck } from '../../../../src/agent/check/checks/tiDns.ts';
import { wanDnsCheck } from '../../../../src/agent/check/checks/wanDns.ts';
import { dnsQuery } from '../../../../src/agent/check/dnsQuery.ts';
import { runChecks } from '../../../../src/agent/check/runChecks.ts';
import type { CheckSources } from '../../../../src/agent/check/sources.ts';
import { gatewaysBefore, WAN_LOOKUP_DEADLINE_MS, type ResolveGateways } from '../../../../src/agent/check/wanLookups.ts';
import type { VpnProfile } from '../../../../src/ipsec/index.ts';
import { resolveGateways } from '../../../../src/ipsec/profile/srv.ts';

const silent: Socket[] = [];
let servers: string[] = [];

beforeAll(async () => {
  // Three, the most a static WAN allows: node's resolver would spend 10 s on them per lookup.
  for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    silent.push(socket);
  }
  servers = silent.map((s) => `${s.address().address}:${s.address().port}`);
});

afterAll(() => {
  for (const socket of silent) socket.close();
});

const options = { actor: 'local-cli', now: () => new Date() };

// The profile service's part, as resolveGatewaysNow does it: an SRV failure becomes srvError.
const resolve: ResolveGateways = async (profile, resolver) => {
  try {
    const gateways = await resolveGateways(profile.gateways, resolver, { routedIntoTunnel: [], log: { warn: () => undefined } });
    return { gateways, names: new Map(), failed: [], addresses: [] };
  } catch (error) {
    return { gateways: [], names: new Map(), failed: [], addresses: [], srvError: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
};

// The gateways' lookups end at the run's deadline.
it('fails checks 2 and 4 in words inside their limits when every WAN name server is silent', async () => {
  const profile = { gateways: { kind: 'srv', srv: '_ike._udp.gw.tibox.test' } } as VpnProfile;
  const sources = { profile: () => profile, gateways: gatewaysBefore(WAN_LOOKUP_DEADLINE_MS, () => servers, resolve) } as unknown as CheckSources;
  const result = await runChecks([runnable(wanDnsCheck), runnable(passthroughCheck)], sources, options);
  expect(result.checks.map((c) => [c.id, c.verdict, c.fixKey])).toEqual([
    ['wanDns', 'fail', 'wanDns.srvFailed'],
    ['passthrough', 'fail', 'passthrough.noGateway'],
  ]);
  expect(result.checks[0]?.fix?.en).toContain('_ike._udp.gw.tibox.test does not resolve (ECANCELLED)');
}, 12_000);

it('fails check 9 in words inside its limit when the TI DNS and the box are silent and the address plan is slow', async () => {
  // A TI segment on loopback, so that the questions go from the box's "TI address" 127.0.0.1.
  const profile = { tiSegment: '127.0.0.0/8', tiDns: { domains: ['telematik'], servers: [servers[0]] } } as unknown as VpnProfile;
  const sources = {
    profile: () => profile,
    dns: dnsQuery,
    addressPlan: async () => {
      await sleep(3_000);
      return { halves: { lanGateway: servers[1] }, findings: [] };
    },
  } as unknown as CheckSources;
  const result = await runChecks([runnable(tiDnsCheck)], sources, options);
  expect(result.checks[0]).toMatchObject({ verdict: 'fail', fixKey: 'tiDns.tunnel' });
  expect(result.checks[0]?.value).toMatch(/via tunnel 127\.0\.0\.2:\d+: no answer \(E\w+\); via the box 127\.0\.0\.3:\d+: no answer \(ECANCELLED\)/);
}, 12_000);

// 1 WAN: the port has link, its address (by DHCP or static) and the default route through it, and
// it is not plugged into the practice LAN (the LAN's watch raises `lan.wanInLan` with the
// evidence). Read from the kernel through the WAN subsystem's own port.
import type { WanKernelState, WanMode } from '../../../wan/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface WanFacts {
  readonly port: string;
  readonly mode: WanMode;
  readonly state: WanKernelState;
  /** The evidence of the WAN-in-LAN watch, when it has any. */
  readonly inLan?: string;
}

export const wanCheck: Check<WanFacts> = {
  id: 'wan',
  number: 1,
  timeoutMs: 3_000,
  async gather(sources) {
    const { port, mode } = sources.wanSettings();
    const inLan = sources.health().find((w) => w.code === 'lan.wanInLan');
    return { port, mode, state: await sources.wanState(port), ...(inLan ? { inLan: inLan.detail ?? '' } : {}) };
  },
  judge: judgeWan,
};

export function judgeWan({ port, mode, state, inLan }: WanFacts): Judgement {
  const params = { port };
  if (!state.link) return { verdict: 'fail', value: `${port}: no such port`, fixKey: 'wan.noPort', params };
  if (!state.link.carrier) return { verdict: 'fail', value: `${port}: no link`, fixKey: 'wan.noCarrier', params };
  const addresses = state.addresses.map((a) => a.address);
  if (addresses.length === 0) return { verdict: 'fail', value: `${port} ${mode}: no address`, fixKey: mode === 'dhcp' ? 'wan.noLease' : 'wan.noAddress', params };
  const route = state.defaultRoutes.find((r) => r.dev === port && !r.metric);
  const where = `${port} ${mode} ${addresses.join(' ')}`;
  if (!route) return { verdict: 'fail', value: `${where}, no default route`, fixKey: 'wan.noDefaultRoute', params };
  const value = `${where}, default via ${route.via ?? port}`;
  if (inLan !== undefined) return { verdict: 'fail', value, fixKey: 'wan.inLan', params: { evidence: inLan } };
  return { verdict: 'pass', value };
}

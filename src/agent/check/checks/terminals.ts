// 10 Card terminals: each registered terminal answers on the SICCT port, TCP 4742, from the box
// (the connector reaches it the same way, through the tunnel and the box), and holds its static
// lease: its registered address is used by its registered MAC, not by another device. A terminal
// that does not answer fails, since the connector cannot pair with it; one whose MAC has not been
// seen yet at its address still passes when it answers there, as the neighbour table is read
// only every few seconds. Model and firmware are not checked yet (docs/function-test.md).
import type { Device, NeighbourEntry, ProbeResult } from '../../../lan/inventory/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface TerminalFacts {
  readonly terminals: readonly (Pick<Device, 'name' | 'address' | 'mac'> & { readonly sicct: ProbeResult })[];
  readonly neighbours: readonly Pick<NeighbourEntry, 'ip' | 'mac' | 'state'>[];
}

export const terminalsCheck: Check<TerminalFacts> = {
  id: 'terminals',
  number: 10,
  timeoutMs: 5_000,
  async gather(sources) {
    const registered = sources.devices().filter((d) => d.kind === 'terminal');
    const terminals = await Promise.all(registered.map(async (t) => ({ name: t.name, address: t.address, mac: t.mac, sicct: await sources.sicct(t.address) })));
    return { terminals, neighbours: sources.neighbours() };
  },
  judge: judgeTerminals,
};

export function judgeTerminals({ terminals, neighbours }: TerminalFacts): Judgement {
  if (terminals.length === 0) return { verdict: 'warn', value: 'none registered', fixKey: 'terminal.none' };
  const present = neighbours.filter((n) => n.state !== 'gone');
  const values: string[] = [];
  const unreachable: string[] = [];
  const otherMac: string[] = [];
  for (const terminal of terminals) {
    const mac = terminal.mac.toLowerCase();
    const others = present.filter((n) => n.ip === terminal.address && n.mac.toLowerCase() !== mac).map((n) => n.mac);
    const own = present.some((n) => n.ip === terminal.address && n.mac.toLowerCase() === mac);
    const lease = others.length > 0 ? `used by ${others.join(' ')}` : own ? `lease taken by ${mac}` : `${mac} not seen yet`;
    const port = terminal.sicct.ok ? 'TCP 4742 answers' : `TCP 4742 ${terminal.sicct.detail}`;
    values.push(`${terminal.name} ${terminal.address}: ${port}, ${lease}`);
    if (others.length > 0) otherMac.push(`${terminal.name} ${terminal.address} (${others.join(' ')})`);
    else if (!terminal.sicct.ok) unreachable.push(`${terminal.name} ${terminal.address}`);
  }
  const value = values.join('; ');
  if (otherMac.length > 0) return { verdict: 'fail', value, fixKey: 'terminal.otherMac', params: { terminals: otherMac.join(', ') } };
  if (unreachable.length > 0) return { verdict: 'fail', value, fixKey: 'terminal.unreachable', params: { terminals: unreachable.join(', ') } };
  return { verdict: 'pass', value };
}

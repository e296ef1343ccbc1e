// 10 Card terminals: each registered terminal answers on the SICCT port, TCP 4742, from the box
// (the connector reaches it the same way, through the tunnel and the box), and holds its static
// lease: its registered address is used by its registered MAC, not by another device. A terminal
// that does not answer fails, since the connector cannot pair with it; one whose MAC has not been
// seen yet at its address still passes when it answers there, as the neighbour table is read
// only every few seconds. Its SICCT service description (asked by unicast on UDP 4742) names its
// terminal name, which the value shows for the connector's terminal list, and its own MAC, which
// must be the registered one; no description is a warning, since a connector then cannot find
// the terminal by itself. The description carries no model or firmware (sicctDiscovery.ts): the
// note asks the installer to read the firmware on the terminal's display.
import type { Device, NeighbourEntry, ProbeResult, SicctAnswer } from '../../../lan/inventory/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface TerminalFacts {
  readonly terminals: readonly (Pick<Device, 'name' | 'address' | 'mac'> & { readonly sicct: ProbeResult; readonly description: SicctAnswer })[];
  readonly neighbours: readonly Pick<NeighbourEntry, 'ip' | 'mac' | 'state'>[];
}

export const terminalsCheck: Check<TerminalFacts> = {
  id: 'terminals',
  number: 10,
  timeoutMs: 5_000,
  async gather(sources) {
    const registered = sources.devices().filter((d) => d.kind === 'terminal');
    const terminals = await Promise.all(
      registered.map(async (t) => {
        const [sicct, description] = await Promise.all([sources.sicct(t.address), sources.sicctDescription(t.address)]);
        return { name: t.name, address: t.address, mac: t.mac, sicct, description };
      }),
    );
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
  const undescribed: string[] = [];
  for (const terminal of terminals) {
    const mac = terminal.mac.toLowerCase();
    const announced = terminal.description.ok ? terminal.description.description : undefined;
    const others = present.filter((n) => n.ip === terminal.address && n.mac.toLowerCase() !== mac).map((n) => n.mac);
    if (announced && announced.mac !== mac && !others.includes(announced.mac)) others.push(announced.mac);
    const own = present.some((n) => n.ip === terminal.address && n.mac.toLowerCase() === mac);
    const lease = others.length > 0 ? `used by ${others.join(' ')}` : own ? `lease taken by ${mac}` : `${mac} not seen yet`;
    const port = terminal.sicct.ok ? 'TCP 4742 answers' : `TCP 4742 ${terminal.sicct.detail}`;
    const discovery = announced
      ? `announces "${announced.name}" (SICCT discovery ${announced.version}, port ${announced.port}, ${announced.tls.length > 0 ? `TLS ${announced.tls.join('/')}` : 'no TLS'})`
      : `no service description (${terminal.description.ok ? '' : terminal.description.detail})`;
    values.push(`${terminal.name} ${terminal.address}: ${port}, ${lease}, ${discovery}`);
    if (others.length > 0) otherMac.push(`${terminal.name} ${terminal.address} (${others.join(' ')})`);
    else if (!terminal.sicct.ok) unreachable.push(`${terminal.name} ${terminal.address}`);
    else if (!announced) undescribed.push(`${terminal.name} ${terminal.address}`);
  }
  const value = values.join('; ');
  const note = { noteKey: 'terminal.firmware' } as const;
  if (otherMac.length > 0) return { verdict: 'fail', value, fixKey: 'terminal.otherMac', ...note, params: { terminals: otherMac.join(', ') } };
  if (unreachable.length > 0) return { verdict: 'fail', value, fixKey: 'terminal.unreachable', ...note, params: { terminals: unreachable.join(', ') } };
  if (undescribed.length > 0) return { verdict: 'warn', value, fixKey: 'terminal.noDescription', ...note, params: { terminals: undescribed.join(', ') } };
  return { verdict: 'pass', value, ...note };
}

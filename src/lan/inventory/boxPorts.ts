// The box's own ports and the MACs the kernel reports for them. A device registered with one of
// these MACs would be the box itself: its TI address bound to the box's MAC lets nothing of the
// device through, and a forged frame from the box's MAC would pass the MAC binding.

/** A port of the box with the MAC the kernel reports for it. */
export interface BoxPort {
  /** In words for an error message, e.g. `LAN port lan0`. */
  readonly port: string;
  /** `aa:bb:cc:dd:ee:ff`, lower case. */
  readonly mac: string;
}

/** The ports tibox uses, by name, as the config and the LAN plan have them. */
export interface BoxPortNames {
  readonly lan: string;
  readonly wan: string;
  readonly terminals: readonly string[];
  /** The bridge of the terminal ports; undefined without terminal ports. */
  readonly terminalBridge: string | undefined;
}

/** Each named port that the kernel lists with a MAC; a port missing from the kernel has none to compare. */
export function boxPortsOf(links: readonly { readonly name: string; readonly mac?: string }[], names: BoxPortNames): BoxPort[] {
  const roles: [string, string][] = [
    [names.lan, 'LAN port'],
    ...names.terminals.map((name): [string, string] => [name, 'terminal port']),
    ...(names.terminalBridge === undefined ? [] : [[names.terminalBridge, 'terminal bridge'] as [string, string]]),
    [names.wan, 'WAN port'],
  ];
  return roles.flatMap(([name, role]) => {
    const mac = links.find((link) => link.name === name)?.mac;
    return mac === undefined ? [] : [{ port: `${role} ${name}`, mac: mac.toLowerCase() }];
  });
}

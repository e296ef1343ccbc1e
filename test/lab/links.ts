// Wires the lab's namespaces together: veth pairs, bridges, addresses, routes, forwarding and the
// practice router's NAT. Interface names inside a namespace are short and fixed (the box sees
// lan0, wan0 and term0 as on the appliance); the namespace names carry the lab's prefix.
// With the agent on the box, the box's TI side (the LAN half's gateway on lan0, the terminal
// bridge and its gateway) is the agent's to put in place once a profile is imported, and its WAN
// address and default route are the agent's from its start; the lab builds them only for plain
// strongSwan, which has no agent.
import type { Netns } from './netns.ts';
import { PLAN, type LabNames } from './topology.ts';

const routerNat = (uplink: string) => `table ip lab_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${uplink}" masquerade comment "the practice router hides the practice behind its public address"
  }
}
`;

export interface LinkOptions {
  /** The agent owns the box's TI side of the LAN and its WAN address: the lab leaves them out. */
  readonly agentOwnsLan: boolean;
}

export async function buildLinks(n: Netns, names: LabNames, options: LinkOptions): Promise<void> {
  for (const ns of Object.values(names).slice(1)) await n.add(ns);
  const { router, box, pvs, other, inet, gw1, gw2, core, term } = names;

  // Practice LAN: one bridge in the router, with the PVS host, the unregistered host and the box's LAN port.
  await n.veth(router, 'lan-pvs', pvs, 'eth0');
  await n.veth(router, 'lan-other', other, 'eth0');
  await n.veth(router, 'lan-box', box, 'lan0');
  await n.bridge(router, 'br-lan', ['lan-pvs', 'lan-other', 'lan-box']);
  await n.address(router, 'br-lan', `${PLAN.practiceLan.router}/24`);

  // The router's port for the box's WAN, and its uplink to the internet.
  await n.veth(router, 'boxwan', box, 'wan0');
  await n.address(router, 'boxwan', `${PLAN.boxWan.router}/24`);
  await n.veth(router, 'up0', inet, 'rtr0');
  // A DSL reconnect adds the new public address before the old one goes; keep the new one then.
  await n.sysctl(router, 'net.ipv4.conf.up0.promote_secondaries', '1');
  await n.address(router, 'up0', `${PLAN.uplink.routerAddresses[0]}/${PLAN.uplink.len}`);
  await n.address(inet, 'rtr0', `${PLAN.uplink.inet}/${PLAN.uplink.len}`);
  await n.route(router, 'default', 'via', PLAN.uplink.inet);
  await n.enableForwarding(router);
  await n.exec(router, 'nft', ['-f', '-'], { input: routerNat('up0') });

  // The internet: directly connected to the router and both gateways.
  await n.enableForwarding(inet);
  for (const [gwNs, gw] of [[gw1, PLAN.gw1], [gw2, PLAN.gw2]] as const) {
    const side = gwNs === gw1 ? 'gw1' : 'gw2';
    await n.veth(inet, side, gwNs, 'pub0');
    await n.address(inet, side, `${gw.inet}/${gw.len}`);
    await n.address(gwNs, 'pub0', `${gw.public}/${gw.len}`);
    await n.route(gwNs, 'default', 'via', gw.inet);
    await n.enableForwarding(gwNs);
    // The gateway's own TI address: charon takes it as the source of its routes into the tunnel.
    await n.address(gwNs, 'lo', `${gw.tiSource}/32`);
    await n.veth(core, `dc-${side}`, gwNs, 'dc0');
    await n.address(gwNs, 'dc0', `${gw.core}/24`);
    for (const prefix of PLAN.ti.prefixes) await n.route(gwNs, prefix, 'via', PLAN.core.address);
  }

  // The datacenter core: the connector, TI DNS and a TI service on its loopback (the lab kernel
  // has no dummy interfaces).
  await n.bridge(core, 'br-dc', ['dc-gw1', 'dc-gw2']);
  await n.address(core, 'br-dc', `${PLAN.core.address}/24`);
  for (const a of [PLAN.ti.connector, PLAN.ti.dns, PLAN.ti.service]) await n.address(core, 'lo', `${a}/32`);

  // The box: LAN port on the practice LAN with the address the lab reaches it at from the start
  // (the agent adds its configured fallback and its DHCP lease only once a profile is imported),
  // WAN port behind the practice router (its address and default route are the agent's, by DHCP
  // from the router, unless plain strongSwan runs without one), a terminal port.
  await n.address(box, 'lan0', `${PLAN.practiceLan.box}/24`);
  if (!options.agentOwnsLan) {
    await n.address(box, 'wan0', `${PLAN.boxWan.box}/24`);
    await n.route(box, 'default', 'via', PLAN.boxWan.router);
  }
  await n.veth(box, 'term0', term, 'eth0');
  if (!options.agentOwnsLan) {
    // The LAN half's gateway on the LAN port, the terminal ports as their own bridge.
    await n.address(box, 'lan0', `${PLAN.tiSegment.lanGateway}/${PLAN.tiSegment.len}`);
    await n.bridge(box, 'br-term', ['term0']);
    await n.address(box, 'br-term', `${PLAN.tiSegment.terminalGateway}/${PLAN.tiSegment.len}`);
  }
  await n.enableForwarding(box);

  // The PVS host: its practice address, its second address in the TI segment and the TI routes via the box.
  await n.address(pvs, 'eth0', `${PLAN.practiceLan.pvs}/24`);
  await n.address(pvs, 'eth0', `${PLAN.tiSegment.pvs}/${PLAN.tiSegment.len}`);
  await n.route(pvs, 'default', 'via', PLAN.practiceLan.router);
  for (const prefix of PLAN.ti.prefixes) await n.route(pvs, prefix, 'via', PLAN.tiSegment.lanGateway);

  // The card terminal on a terminal port.
  await n.address(term, 'eth0', `${PLAN.tiSegment.terminal}/${PLAN.tiSegment.len}`);
  await n.route(term, 'default', 'via', PLAN.tiSegment.terminalGateway);
}

// The lab's plan as plain data: which namespaces exist, how they are wired and which addresses
// they carry (ARCHITECTURE.md §6). Nothing here touches the OS; lab.ts builds from it.
// All addresses live only inside the lab's own namespaces.

export interface LabNames {
  id: string;
  box: string;
  pvs: string;
  other: string;
  router: string;
  inet: string;
  gw1: string;
  gw2: string;
  core: string;
  term: string;
}

export function labNames(id: string): LabNames {
  const ns = (role: string) => `${id}-${role}`;
  return {
    id,
    box: ns('box'),
    pvs: ns('pvs'),
    other: ns('other'),
    router: ns('router'),
    inet: ns('inet'),
    gw1: ns('gw1'),
    gw2: ns('gw2'),
    core: ns('core'),
    term: ns('term'),
  };
}

/** Addresses of the lab, close to the picture in ARCHITECTURE.md §1. */
export const PLAN = {
  practiceLan: { prefix: '192.168.1.0/24', router: '192.168.1.1', pvs: '192.168.1.20', box: '192.168.1.2', dhcpRange: ['192.168.1.100', '192.168.1.199'] },
  /** The practice router's port the box's WAN plugs into. */
  boxWan: { prefix: '192.168.178.0/24', router: '192.168.178.1', box: '192.168.178.2' },
  /** The router's public side; the second address is where a DSL reconnect moves it. */
  uplink: { inet: '203.0.113.1', routerAddresses: ['203.0.113.10', '203.0.113.11', '203.0.113.12'], len: 24 },
  gw1: { inet: '198.51.100.1', public: '198.51.100.10', len: 24, core: '10.200.0.11', tiSource: '100.102.255.1', id: 'gw1.dc.tibox.test' },
  gw2: { inet: '192.0.2.1', public: '192.0.2.10', len: 24, core: '10.200.0.12', tiSource: '100.102.255.2', id: 'gw2.dc.tibox.test' },
  core: { prefix: '10.200.0.0/24', address: '10.200.0.1' },
  /**
   * A resolver on the internet, where the practice router's DNS would send the box (built only on
   * request): the gateways' names and the datacenter's SRV record for them, gw1 first.
   */
  internetDns: { address: '203.0.113.53', srv: '_isakmp._udp.dc.tibox.test' },
  /** The box's TI segment, split into the LAN half and the terminal half. */
  tiSegment: { prefix: '10.77.12.0/26', lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', pvs: '10.77.12.10', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33', terminal: '10.77.12.40', len: 27 },
  ti: {
    prefixes: ['100.64.0.0/10', '100.102.0.0/15'],
    connector: '100.64.10.10',
    dns: '100.102.0.53',
    service: '100.102.1.1',
    domains: ['telematik', 'telematik-test'],
    connectorName: 'konnektor.dc.telematik-test',
  },
  /**
   * Remote management: the DDI server in the core, on an address of the management prefix (inside
   * the TI prefixes, so reached through the tunnel) and on a public address of the internet, behind
   * the datacenter's own line to it (198.18.0.0/15 is set aside for test networks), for a box whose
   * tunnel is down. The internet's resolver answers the name with the public address.
   */
  management: {
    name: 'mgmt.dc.tibox.test',
    address: '100.102.200.10',
    prefix: '100.102.200.0/24',
    internet: { inet: '198.18.0.1', public: '198.18.0.80', len: 24 },
  },
  boxId: 'box-0001.boxes.tibox.test',
  /** What the lab's factory step (`tibox provision`) gives the box: its serial number and a known initial password. */
  provisioning: { serial: 'TBX-00000001', initialPassword: 'lab initial password' },
  /** The port the PVS host takes the connector's CETP events on (registered with the box). */
  pvsCetpPort: 8010,
  /** The SICCT terminal name the terminal stand-in announces. */
  terminal: { name: 'ORGA6100-0123456789' },
} as const;

/** Route metrics the gateways use when they inject a box's segment into the core: gw1 preferred. */
export const GATEWAY_METRIC = { gw1: 100, gw2: 200 } as const;

export type GatewayName = 'gw1' | 'gw2';

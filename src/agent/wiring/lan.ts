// The LAN side: the LAN ports and the address plan, the practice-LAN DHCP client, the WAN-in-LAN
// watch, dnsmasq, the device inventory, and the data path that composes their desired states
// with the firewall's and applies them whenever an input changes.
import { uptime } from 'node:os';
import { join } from 'node:path';
import { readKernelLog, registerWhyAction, TIBOX_TABLE, type Firewall, type NftLoader } from '../../firewall/index.ts';
import type { CharonLink } from '../../ipsec/index.ts';
import {
  busyboxArpProbe, Dnsmasq, dnsmasqFiles, Lan, LanLinks, NetlinkLanKernel, PracticeDhcp, registerAddressPlanAction, TERMINAL_BRIDGE, WanInLanWatch, type LanKernel,
} from '../../lan/index.ts';
import { boxPortsOf, DeviceInventory, NetlinkNeighbourSource, registerDeviceActions, tcpProbe, type TiRouting } from '../../lan/inventory/index.ts';
import { LIBIPSEC_DEVICE } from '../../ipsec/index.ts';
import { DataPath, type DataPathDeps } from '../dataPath.ts';
import { DeviceStore, ReachabilityStore } from '../store/index.ts';
import type { AgentContext } from './context.ts';

export interface LanWiring {
  lan: Lan;
  practiceDhcp: PracticeDhcp;
  wanInLan: WanInLanWatch;
  dnsmasq: Dnsmasq;
  inventory: DeviceInventory;
  dataPath: DataPath;
  /** The kernel's links and addresses: a new practice-LAN lease is news for the firewall. */
  lanKernel: LanKernel;
  /** The box's own addresses on the LAN port and the terminal bridge, without lengths. */
  lanSideAddresses: () => Promise<string[]>;
}

export function wireLan(
  ctx: AgentContext,
  deps: { firewall: Firewall; nft: NftLoader; charon: CharonLink; tunnelMtu: () => number; managementOverInternet: DataPathDeps['managementOverInternet'] },
): LanWiring {
  const { options, config } = ctx;
  const lanKernel = options.lanKernel ?? new NetlinkLanKernel();
  const lan = new Lan({
    links: new LanLinks({ kernel: lanKernel, stateDir: ctx.stateDir, log: ctx.logFor('lan') }),
    kernel: lanKernel,
    health: ctx.health,
    log: ctx.logFor('lan'),
    tunnelDevices: [LIBIPSEC_DEVICE],
  });
  // The lease hook is executed by udhcpc: root-only, and not under /run, which may be noexec.
  const practiceDhcp = new PracticeDhcp({ hookDir: join(options.dataDir, 'hooks'), log: ctx.logFor('practice-dhcp'), now: ctx.now });
  const wanInLan = new WanInLanWatch({ kernel: lanKernel, probe: busyboxArpProbe(options.runner), health: ctx.health, log: ctx.logFor('wan-in-lan') });
  const dnsmasqDir = join(options.runDir ?? '/run/tibox', 'dnsmasq');
  const dnsmasq = new Dnsmasq({
    runDir: dnsmasqDir,
    health: ctx.health,
    log: ctx.logFor('dnsmasq'),
    // dnsmasq ignores the requests of terminals not registered; the inventory lists them.
    onDhcpRequest: (request) => inventory.dhcpSeen(request),
    now: ctx.now,
  });
  const ports = () => config.current().config.interfaces;
  const dataPathLog = ctx.logFor('data-path');
  // An input of the data path changed; nobody waits for the outcome, so a refusal is logged here.
  const refreshDataPath = () =>
    void dataPath.refresh().catch((error: unknown) => dataPathLog.error({ err: error }, 'data path could not be applied'));
  const inventory = new DeviceInventory({
    devices: ctx.whileOpen((db) => new DeviceStore(db)),
    reachability: ctx.whileOpen((db) => new ReachabilityStore(db)),
    bestEffort: ctx.bestEffort,
    halves: () => lan.halves() ?? undefined,
    ti: (): TiRouting | undefined => {
      const profile = dataPath.profile();
      return profile ? { prefixes: profile.tiPrefixes, domains: profile.tiDns.domains } : undefined;
    },
    boxPorts: async () => {
      const { lan: lanPort, wan, terminals } = ports();
      return boxPortsOf((await lanKernel.read()).links, { lan: lanPort, wan, terminals, terminalBridge: terminals.length > 0 ? TERMINAL_BRIDGE : undefined });
    },
    interfaces: () => [ports().lan, ...(ports().terminals.length > 0 ? [TERMINAL_BRIDGE] : [])],
    neighbours: options.neighbours ?? new NetlinkNeighbourSource(),
    probe: tcpProbe,
    health: ctx.health,
    log: ctx.logFor('inventory'),
    now: ctx.now,
    leaseFile: dnsmasqFiles(dnsmasqDir).leases,
    onChange: () => {
      refreshDataPath();
      ctx.bus.emit('devices.changed', {});
    },
    onReachabilityChange: () => ctx.bus.emit('devices.changed', {}),
  });
  registerDeviceActions(ctx.actions, inventory);
  registerAddressPlanAction(ctx.actions, lan);
  registerWhyAction(ctx.actions, {
    findDevice: (ref) => {
      const { id, name, kind, address, mac, cetpPorts } = inventory.locate(ref);
      return { id, name, kind, address, mac, cetpPorts };
    },
    counters: () => deps.nft.counters(TIBOX_TABLE.family, TIBOX_TABLE.name),
    kernelLog: () => readKernelLog(),
    // The kernel log counts from the boot (time in suspend left out, which a box never does).
    bootedAt: () => new Date(ctx.now().getTime() - uptime() * 1000),
  });
  const dataPath = new DataPath({
    lan,
    practiceDhcp,
    wanInLan,
    dnsmasq,
    firewall: deps.firewall,
    ports,
    backend: () => deps.charon.backend(),
    devices: () => inventory.devices(),
    lanAddresses: async (port) => (await lanKernel.read()).addresses.filter((a) => a.dev === port).map((a) => a.address),
    tunnelMtu: deps.tunnelMtu,
    managementOverInternet: deps.managementOverInternet,
    log: dataPathLog,
  });
  ctx.bus.on(dataPath, 'config.changed', () => refreshDataPath());
  deps.charon.session.on('connected', () => refreshDataPath());
  const lanSideAddresses = async () => {
    const sides = new Set([ports().lan, TERMINAL_BRIDGE]);
    return (await lanKernel.read()).addresses.filter((a) => sides.has(a.dev)).map((a) => a.address.split('/')[0] as string);
  };
  return { lan, practiceDhcp, wanInLan, dnsmasq, inventory, dataPath, lanKernel, lanSideAddresses };
}

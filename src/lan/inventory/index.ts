// The device inventory owns the registered PVS hosts and card terminals (with their audit log and
// the terminals' reachability history, kept through the repositories it declares and the
// composition root hands over, on the agent's database), the hosts seen on the LAN and
// terminal ports, the terminals found there but not registered, and the setup text for each
// device. It reads the TI segment's halves and the profile's TI routing as plain data and hands the
// registered devices to whoever builds on them (dnsmasq's static leases, the firewall's flows).
// Only the composition root in src/agent/ imports it (the CLI takes its types).
export { DeviceInventory, DEFAULT_INVENTORY_TIMINGS, type DeviceInventoryDeps, type DeviceView, type InventoryTimings, type SetupText, type TiRouting } from './inventory.ts';
export { registerDeviceActions } from './actions.ts';
export { NetlinkNeighbourSource, type NeighbourSource } from './netlinkNeighbours.ts';
export { tcpProbe, PROBE_TIMEOUT_MS, SICCT_PORT, type TcpProbe } from './tcpProbe.ts';
export { sicctQuery, type SicctAnswer } from './sicctQuery.ts';
export { parseServiceDescription, type ServiceDescription } from './sicctDiscovery.ts';
export type { Device, DeviceFields, DeviceKind } from './device.ts';
export type { DeviceAction, DeviceAuditEntry, DeviceChange, DeviceRepository } from './deviceRepository.ts';
export type { TiHalves } from './segment.ts';
export { boxPortsOf, type BoxPort, type BoxPortNames } from './boxPorts.ts';
export type { NeighbourEntry } from './neighbours.ts';
export type { TerminalCandidate } from './discovery.ts';
export type { RawSighting } from './dhcp.ts';
export type { ProbeResult, Reachability, Transition } from './reachability.ts';
export type { ReachabilityRepository } from './reachabilityRepository.ts';

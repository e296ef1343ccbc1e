// What every part of tibox uses, and nothing of any one part: starting processes (the one runner),
// errors and their catalogue, the codes of the firewall's drop reasons and the tunnel's failure
// reasons (which the web UI says in words too), logging, the event bus, the lifecycle every
// subsystem follows, atomic files and the state files written with them, the watch loop, the
// serial queue and the base class of the subsystems that watch the kernel, IPv4 arithmetic and the
// TI's address limits, systemd notification, rtnetlink sockets, the health registry subsystems
// report into, the registry of named control actions they register with, and the histories kept
// in the database on a best-effort basis.
//
// The rule that keeps the arrows pointing down (eslint.config.js enforces it):
// - core imports no subsystem and nothing of src/agent or src/control;
// - every subsystem (src/ipsec, src/firewall, src/lan, src/webui, src/updater) and src/control may
//   import core, and no other subsystem;
// - only src/agent, the composition root, imports several subsystems.
export * from './atomicFile.ts';
export * from './component.ts';
export * from './bestEffortStore.ts';
export * from './controlActions.ts';
export * from './dropReasons.ts';
export * from './errors.ts';
export * from './eventBus.ts';
export * from './failureReasons.ts';
export * from './health.ts';
export * from './ipv4.ts';
export * from './lifecycle.ts';
export * from './log.ts';
export * from './memoryBackedHistory.ts';
export * from './rtnetlink.ts';
export * from './runner.ts';
export * from './serialQueue.ts';
export * from './stateFile.ts';
export * from './systemd.ts';
export * from './tiAddressing.ts';
export * from './watchLoop.ts';
export * from './watchingSubsystem.ts';

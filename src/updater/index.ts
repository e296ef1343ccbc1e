// The updater: remote management over hawkBit's Direct Device Integration API (ARCHITECTURE.md
// §3) and, later, RAUC installs with health commit and rollback. It may import src/core and the
// control client; only the composition root (src/agent) imports it.
export * from './ddi/index.ts';
export * from './updater.ts';
export * from './managementWay.ts';
export * from './health/index.ts';
export * from './rauc/index.ts';
export * from './schedule/index.ts';
export * from './deploy/index.ts';

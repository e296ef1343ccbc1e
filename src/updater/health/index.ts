// The health commit after booting a new slot: what a boot finds, the decision after each round of
// checks, and the runner that marks the slot good or bad through RAUC and reboots back.
export * from './commitPlan.ts';
export * from './healthCommit.ts';

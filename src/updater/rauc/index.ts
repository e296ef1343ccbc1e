// The RAUC driver: installs a downloaded bundle into the other slot, reads the slots' status and
// marks the running slot good or bad, through the `rauc` command line.
export * from './bundleVersion.ts';
export * from './driver.ts';
export * from './installOutput.ts';
export * from './installPermit.ts';
export * from './status.ts';

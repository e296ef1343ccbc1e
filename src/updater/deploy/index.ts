// After the download: the deployment's way to its end (wait for its window, install each
// software module by the installer of its type, reboot into a new system), the RAUC installer
// of `os` modules, the profile renewal's of `tibox-profile` modules, the reboot as an interface,
// and the last outcome kept for the status.
export * from './deployer.ts';
export * from './deploymentPlan.ts';
export * from './lastOutcome.ts';
export * from './moduleInstaller.ts';
export * from './profileInstaller.ts';
export * from './raucInstaller.ts';
export * from './reboot.ts';

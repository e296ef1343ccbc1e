// The hawkBit DDI protocol as pure functions: reading the resources the server sends (controller
// base, deployment base, cancel action) as untrusted input, writing what the box sends (feedback,
// configData), the resource URLs, and the timing of polls and retries. No sockets here; the
// client that talks to the server builds on this.
export * from './cancelAction.ts';
export * from './configData.ts';
export * from './controllerBase.ts';
export * from './deploymentBase.ts';
export * from './errors.ts';
export * from './feedback.ts';
export * from './polling.ts';
export * from './resources.ts';
export * from './retry.ts';

// The hawkBit DDI client in layers. The protocol as pure functions: reading the resources the
// server sends (controller base, deployment base, cancel action) as untrusted input, writing what
// the box sends (feedback, configData), the resource URLs, and the timing of polls and retries.
// Above it the connection (mutual TLS, per-call timeout and abort), resumable downloads, and the
// client: the poll loop, configData, cancel, and deployments with feedback at every step.
export * from './cancelAction.ts';
export * from './client.ts';
export * from './configData.ts';
export * from './connection.ts';
export * from './controllerBase.ts';
export * from './deploymentBase.ts';
export * from './download.ts';
export * from './downloadedAction.ts';
export * from './errors.ts';
export * from './feedback.ts';
export * from './plan.ts';
export * from './polling.ts';
export * from './resources.ts';
export * from './retry.ts';

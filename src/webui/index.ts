// The local web UI (src/webui/): its own unprivileged process that talks to the agent only over
// the control API (src/control), serving HTTPS on the LAN side. It imports core and the control
// client only; its entry point is main.ts (bin/tibox-webui). Tests import what they need from here.
export { createApp, LANGUAGE_COOKIE, languageOf, localPath, type AppDeps } from './app.ts';
export { chainOf, verdictOf, type ChainLink, type LinkState, type Verdict } from './status/chain.ts';
export type { AgentView, OverviewStatus } from './status/agentView.ts';
export { overviewOf, type Overview } from './status/overview.ts';
export { LiveOverview } from './live/liveOverview.ts';
export { createDeviceCertificate, loadOrCreateDeviceCertificate, DEVICE_DNS_NAME, type DeviceCertificate } from './tls/deviceCertificate.ts';
export { TLS_CIPHERS, tlsOptions } from './tls/tlsOptions.ts';
export { redirectToHttps, WebUiServers } from './server.ts';
export { readWebUiCommandLine, DEFAULT_WEBUI_STATE_DIR, type WebUiCommandLine } from './options.ts';
export { WebUi } from './webui.ts';
export { runWebUi } from './run.ts';
export { messagesFor, LANGUAGES, type Language, type Messages } from './i18n/index.ts';

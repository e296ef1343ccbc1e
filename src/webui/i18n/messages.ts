// The web UI's message catalogue: every text a page shows, once per language. German is the
// default, English switchable; a language is a full Messages object, so the type checker finds a
// text missing in one of them.
import type { DropReason, FailureReason, SubsystemState } from '../../core/index.ts';
import type { WordedAgentError } from './agentErrors.ts';
import type { WizardMessages } from './wizard/messages.ts';

export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'de';

/** The four links of the chain the public status page shows, the practice LAN's end first. */
export type LinkName = 'box' | 'internet' | 'datacenter' | 'ti';

/** Why a link is in its state, as the status page says it (chain.ts decides which). */
export type LinkReason =
  | 'boxOk'
  | 'agentDown'
  | 'noProfile'
  | 'tunnelDisabled'
  | 'ipsecDown'
  | 'internetOk'
  | 'wanDown'
  | 'gatewaysSilent'
  | 'datacenterOk'
  | 'tunnelNotUp'
  | 'tiNotChecked'
  | 'dependsOnInternet'
  | 'dependsOnDatacenter';

/** What the web UI's own check of a form or an API request found wrong (api/schemas.ts). */
export type InputProblem =
  | 'nameEmpty'
  | 'nameTooLong'
  | 'nameControl'
  | 'nameDigits'
  | 'kind'
  | 'address'
  | 'mac'
  | 'cetpPorts'
  | 'password'
  | 'action'
  | 'device'
  | 'networkField'
  | 'confirmTimeout'
  | 'malformed';

/** The actions the history of changes names in words; any other by its name (otherAction). */
export type WordedAction = 'profile.import' | 'profile.renew' | 'webui.changePassword' | 'tunnel.restart';

/** The config paths the network page changes, named in its refusals and its pending change. */
export type NetworkField = 'wan.mode' | 'wan.address' | 'wan.gateway' | 'wan.resolvers' | 'interfaces.lanFallback' | 'interfaces.terminals' | 'interfaces.lan' | 'interfaces.wan';

/** The kernel's route tables the network page names: main, the TI routes' (8742) and charon's (220). */
export type RouteTable = 'main' | '8742' | '220';
/** The route types other than unicast, which the network page words. */
export type RouteType = 'unreachable' | 'blackhole' | 'prohibit';

/** RAUC's slot states and boot states as the system page words them. */
export type SlotState = 'booted' | 'active' | 'inactive';
export type BootState = 'good' | 'bad';

/** The tunnel's states as the agent reports them. */
export type TunnelStateName = 'no-profile' | 'disabled' | 'charon-down' | 'connecting' | 'up' | 'wan-down' | 'backoff';

export interface Messages {
  /** The language's own name, for the switch. */
  languageName: string;
  product: string;
  switchLanguage: string;
  status: {
    title: string;
    question: string;
    verdict: { allOk: string; box: string; internet: string; datacenter: string; ti: string; unknown: string };
    links: Record<LinkName, string>;
    states: { ok: string; down: string; unknown: string };
    reasons: Record<LinkReason, string>;
    since: (when: string) => string;
    checkedAt: (when: string) => string;
  };
  certificate: { title: string; explain: string };
  nav: { login: string; logout: string; changePassword: string; loggedInAs: (user: string) => string; overview: string; profile: string; devices: string; network: string; system: string; check: string; main: string };
  overview: {
    title: string;
    tunnel: string;
    tunnelState: string;
    gateway: string;
    noGateway: string;
    traffic: string;
    trafficValue: (received: string, sent: string) => string;
    lastError: string;
    devices: string;
    noDevices: string;
    registerHint: string;
    warnings: string;
    noWarnings: string;
    columns: { name: string; kind: string; address: string; reach: string };
    live: string;
    changes: string;
    noChanges: string;
    changeColumns: { at: string; who: string; what: string };
  };
  changes: {
    /** Who: a web UI user, the administrators' command line, or the agent's own name for it. */
    webui: (user: string) => string;
    cli: string;
    actions: Record<WordedAction, string>;
    otherAction: (action: string) => string;
    device: { register: (name: string) => string; change: (name: string) => string; remove: (name: string) => string };
    config: (path: string) => string;
  };
  tunnelStates: Record<TunnelStateName, string>;
  /** The tunnel's failure reasons as the agent names them (src/core/failureReasons.ts); others are shown as they are. */
  failures: Record<FailureReason, string>;
  kinds: { pvs: string; terminal: string };
  reach: { reachable: string; unreachable: string; unknown: string };
  severities: { info: string; warning: string; critical: string };
  login: { title: string; user: string; password: string; submit: string; failed: string; since: (failed: number, previous: string | null) => string };
  password: {
    title: string;
    forced: string;
    old: string;
    new: string;
    repeat: string;
    rules: string;
    submit: string;
    mismatch: string;
    tooShort: string;
    tooLong: string;
    tooGuessable: string;
    wrongOld: string;
    refused: string;
    /** Too many password checks at once: try again. */
    busy: string;
    changed: string;
    strength: (score: number) => string;
  };
  profile: {
    title: string;
    none: string;
    details: string;
    boxId: string;
    gateways: string;
    gatewayIds: string;
    srv: (name: string) => string;
    tiSegment: string;
    certificate: string;
    subject: string;
    validUntil: string;
    fingerprint: string;
    expiresIn: (days: number) => string;
    expired: (days: number) => string;
    importTitle: string;
    replaceTitle: string;
    importExplain: (maxKiB: number) => string;
    file: string;
    password: string;
    passwordHint: string;
    submit: string;
    imported: string;
    noFile: string;
    tooLarge: (maxKiB: number) => string;
    badUpload: string;
  };
  tunnel: {
    title: string;
    state: string;
    up: string;
    down: string;
    restart: string;
    explain: string;
    done: { up: string; down: string; restart: string };
    history: string;
    noHistory: string;
    columns: { at: string; state: string; gateway: string; reason: string };
  };
  devices: {
    title: string;
    registered: string;
    none: string;
    discovered: string;
    noneDiscovered: string;
    seenHosts: string;
    noneSeen: string;
    register: string;
    registerThis: string;
    kind: string;
    name: string;
    address: string;
    addressHint: string;
    mac: string;
    macHint: string;
    cetpPorts: string;
    cetpHint: string;
    submit: string;
    registeredOk: (name: string) => string;
    renamedOk: (name: string) => string;
    removedOk: (name: string) => string;
    rename: string;
    renameSubmit: string;
    remove: string;
    removeConfirm: string;
    setup: string;
    setupWindows: string;
    setupLinux: string;
    copy: string;
    copied: string;
    setupUnavailable: string;
    reachability: string;
    noReachability: string;
    pvsReach: string;
    why: string;
    whyExplain: string;
    accepted: string;
    dropped: string;
    countValue: (packets: number, bytes: string) => string;
    countsSince: (when: string) => string;
    noCounters: string;
    drops: string;
    noDrops: string;
    dropColumns: { at: string; reason: string; from: string; to: string };
    /** The firewall's drop reasons (src/core/dropReasons.ts), each in the practice's words. */
    dropReasons: Record<DropReason, string>;
    columns: { name: string; kind: string; address: string; mac: string; seen: string; evidence: string; hostname: string };
    outsideSegment: string;
    back: string;
  };
  network: {
    title: string;
    wanNow: string;
    wanUnknown: string;
    settings: string;
    settingsExplain: string;
    wanTitle: string;
    mode: string;
    dhcp: string;
    static: string;
    address: string;
    addressHint: string;
    gateway: string;
    gatewayHint: string;
    resolvers: string;
    resolversHint: string;
    lanTitle: string;
    lanFallback: string;
    lanFallbackHint: string;
    terminalsTitle: string;
    terminals: string;
    terminalsHint: string;
    timeout: string;
    timeoutHint: string;
    submit: string;
    pendingTitle: string;
    pendingExplain: (revision: number, fields: string, deadline: string) => string;
    /** The time left, as the page shows it and the countdown counts it down ('{s}' stands for the seconds there). */
    remaining: (seconds: number | string) => string;
    expired: string;
    confirmFromNew: string;
    confirm: string;
    rollback: string;
    pendingNote: (seconds: number) => string;
    confirmed: string;
    rolledBack: string;
    unchanged: string;
    refusedFields: string;
    /** The config fields the page changes, by path. */
    fields: Record<NetworkField, string>;
    routes: string;
    routesExplain: string;
    noRoutes: string;
    routesUnknown: string;
    routeColumns: { table: string; destination: string; via: string; dev: string; src: string; proto: string; metric: string };
    tables: Record<RouteTable, string>;
    routeTypes: Record<RouteType, string>;
  };
  system: {
    title: string;
    firmware: string;
    version: string;
    slots: string;
    noSlots: string;
    slotColumns: { name: string; state: string; version: string; boot: string };
    booted: string;
    /** RAUC's slot states and boot states; one not listed is shown as RAUC names it. */
    slotStates: Record<SlotState, string>;
    bootStates: Record<BootState, string>;
    /** The update service did not answer: its own words are English and stay in the log. */
    slotsUnknown: string;
    firewall: string;
    firewallState: string;
    firewallStates: Record<SubsystemState, string>;
    ruleset: string;
    listening: string;
    listeningExplain: string;
    noListening: string;
    listeningColumns: { proto: string; address: string; port: string; programs: string; reach: string };
    allAddresses: string;
    localOnly: string;
    thisAddress: string;
    password: string;
    passwordExplain: string;
    passwordLink: string;
    log: string;
    logExplain: string;
    logDownload: string;
    protocols: string;
    protocolsExplain: string;
    noProtocols: string;
    protocolColumns: { number: string; created: string; practice: string; test: string; download: string };
    protocolVerdicts: { pass: string; warn: string; fail: string; none: string };
    protocolPdf: { de: string; en: string };
    reboot: string;
    rebootExplain: string;
    rebootConfirm: string;
    rebootSubmit: string;
    rebootNotConfirmed: string;
    rebooting: string;
    unknown: string;
    backup: string;
    backupExplain: string;
    passphrase: string;
    passphraseRepeat: string;
    passphraseHint: string;
    backupSubmit: string;
    passphraseMismatch: string;
    inspect: string;
    inspectExplain: string;
    backupFile: string;
    inspectSubmit: string;
    noFile: string;
    tooLarge: (maxKiB: number) => string;
    badUpload: string;
    preview: (box: string, createdAt: string) => string;
    otherBox: (backupBox: string, thisBox: string) => string;
    noDifference: string;
    changedFields: string;
    changeColumns: { path: string; now: string; restored: string };
    devicesAdded: (names: string) => string;
    devicesRemoved: (names: string) => string;
    devicesChanged: (names: string) => string;
    restoreExplain: string;
    acceptOtherBox: (backupBox: string, thisBox: string) => string;
    restoreSubmit: string;
    restored: string;
    restoredPending: string;
    restoreNotHeld: string;
    factoryReset: string;
    factoryResetExplain: string;
    factoryResetConfirm: (word: string) => string;
    factoryResetSubmit: string;
  };
  /** The function test's page and the wizard's last step (pages/checkPage.ts). */
  check: {
    title: string;
    explain: string;
    start: string;
    again: string;
    running: string;
    none: string;
    lastRun: (time: string, actor: string) => string;
    notRun: string;
    overall: Record<'pass' | 'warn' | 'fail', string>;
    verdicts: Record<'pass' | 'warn' | 'fail' | 'skipped', string>;
    columns: { number: string; check: string; verdict: string; value: string; fix: string };
  };
  /** Why the web UI refused a form before asking the agent (api/schemas.ts names the problem). */
  input: Record<InputProblem, string>;
  /** The agent's named errors worded here (agentErrors.ts), by code; others are shown with agentRefused. */
  agentErrors: Record<WordedAgentError, string>;
  agentRefused: string;
  api: { notLoggedIn: string; passwordChangeRequired: string; csrf: string; notFound: string; internal: string; agentDown: string };
  /** The first-run wizard (wizard/). */
  wizard: WizardMessages;
  errors: { notLoggedIn: string; tooLarge: string; badRequest: string; notFound: string; internal: string; badOrigin: string; csrf: string; back: string };
}

// The web UI's message catalogue: every text a page shows, once per language. German is the
// default, English switchable; a language is a full Messages object, so the type checker finds a
// text missing in one of them.

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
  | 'datacenterOk'
  | 'tunnelNotUp'
  | 'tiNotChecked'
  | 'dependsOnInternet'
  | 'dependsOnDatacenter';

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
  nav: { login: string; logout: string; changePassword: string; loggedInAs: (user: string) => string; overview: string; profile: string; devices: string; main: string };
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
  };
  tunnelStates: Record<TunnelStateName, string>;
  /** The tunnel's failure reasons as the agent names them (src/ipsec/tunnel/failure.ts); others are shown as they are. */
  failures: Record<string, string>;
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
    changed: string;
    strength: (score: number) => string;
  };
  api: { notLoggedIn: string; passwordChangeRequired: string; csrf: string; notFound: string; internal: string; agentDown: string };
  errors: { tooLarge: string; badRequest: string; notFound: string; internal: string; badOrigin: string; csrf: string; back: string };
}

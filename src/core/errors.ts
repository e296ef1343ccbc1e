// The error catalogue. Every error tibox reports to a caller (control API, CLI, later the web UI)
// is declared once here with a stable code, an HTTP status and a message template whose
// `{placeholders}` are filled from typed parameters. A code names one meaning forever: when a
// meaning changes or goes away its code is retired, never reused for something else.

export interface ErrorDefinition {
  status: number;
  message: string;
}

type Row = readonly [status: number, message: string];

/** The rows as callers read them, `{ status, message }` per code, each template's literal type kept. */
type Catalogue<T extends Record<string, Row>> = { readonly [C in keyof T]: { readonly status: T[C][0]; readonly message: T[C][1] } };

function byCode<const T extends Record<string, Row>>(rows: T): Catalogue<T> {
  return Object.fromEntries(Object.entries(rows).map(([code, [status, message]]) => [code, { status, message }])) as Catalogue<T>;
}

// One row a code: [HTTP status, message template].
export const ERROR_CATALOGUE = byCode({
  TIBOX_BAD_REQUEST: [400, 'bad request: {reason}'],
  TIBOX_PROTOCOL_NOT_FOUND: [404, 'no installation protocol {which}: {kept}'],
  TIBOX_MALFORMED_JSON: [400, 'the request body is not valid JSON: {reason}'],
  TIBOX_NOT_FOUND: [404, 'no such route: {method} {path}'],
  TIBOX_UNKNOWN_ACTION: [404, 'unknown action "{action}"'],
  TIBOX_METHOD_NOT_ALLOWED: [405, '{method} is not allowed on {path} (allowed: {allowed})'],
  TIBOX_CONFIG_READ_ONLY: [503, 'the configuration cannot be changed: {reason}'],
  TIBOX_CONFIG_INVALID: [422, 'the configuration change was refused: {reason}'],
  // Network changes with rollback (src/agent/pending/): one awaits confirmation at a time.
  TIBOX_CONFIG_CHANGE_PENDING: [409, 'the change was refused: the network change of revision {revision} ({paths}) awaits confirmation until {deadline}; confirm it or roll it back first'],
  TIBOX_CONFIG_NOTHING_PENDING: [409, 'nothing to {action}: no network change awaits confirmation (one not confirmed in time has been rolled back)'],
  TIBOX_CONFIG_NOT_PENDING_REVISION: [409, 'revision {revision} does not await confirmation; revision {pending} does'],
  TIBOX_CONFIG_STATE_NOT_KEPT: [503, 'the network change was not made: the state files of the confirmed config could not be kept for its rollback ({reason})'],
  // A change to the config or the registered devices that the database did not take.
  TIBOX_STORE_WRITE_FAILED: [503, 'the change could not be saved: the database is not writable ({reason})'],
  // The system page's reboot: only a box that boots its own system (RAUC) reboots on request.
  TIBOX_REBOOT_UNAVAILABLE: [409, 'the box cannot be rebooted from here: {reason}'],
  // Configuration backups (src/agent/backup/): each refusal changes nothing.
  TIBOX_BACKUP_PASSPHRASE: [422, 'the passphrase cannot protect a backup: {reason}'],
  TIBOX_BACKUP_TOO_LARGE: [413, 'the backup is too large: {reason}'],
  TIBOX_BACKUP_MALFORMED: [422, 'the file is no readable tibox backup: {reason}'],
  TIBOX_BACKUP_BAD_SIGNATURE: [422, 'the backup was refused: {reason}'],
  TIBOX_BACKUP_NEWER: [422, 'the backup is newer than this firmware: {reason}'],
  TIBOX_BACKUP_WRONG_PASSPHRASE: [422, 'the backup was refused: {reason}'],
  TIBOX_BACKUP_BUSY: [503, 'several backups are being made or checked at once; try again in a moment'],
  // A restore of another box's backup (a replacement box) needs the caller to accept that by name.
  TIBOX_BACKUP_OTHER_BOX: [409, 'the backup was made by another box, {backup}, not by this one, {thisBox}; restore it only when this box replaces that one, and say so'],
  // The factory reset asks for the box's serial number typed (RESET on a box without one), as routers ask for a word.
  TIBOX_FACTORY_RESET_NOT_CONFIRMED: [422, 'the factory reset was not done: confirm it with {expected}, the serial number of this box'],
  TIBOX_BODY_TOO_LARGE: [413, 'the request body exceeds the limit of {limit} bytes'],
  TIBOX_ACTION_FAILED: [500, 'action "{action}" failed: {reason}'],
  TIBOX_INTERNAL: [500, 'internal error: {reason}'],
  // Raised on the calling side of the control socket; the status says what a proxy would answer.
  TIBOX_AGENT_NOT_RUNNING: [503, 'the tibox agent is not running (no control socket at {path})'],
  TIBOX_CONTROL_ACCESS_DENIED: [403, 'permission denied on the control socket {path} (run as root or as a member of group tibox)'],
  TIBOX_CONTROL_TIMEOUT: [504, 'the tibox agent did not answer within {timeoutMs} ms'],
  TIBOX_CONTROL_BAD_RESPONSE: [502, 'the tibox agent sent an unreadable answer: {reason}'],
  TIBOX_CONTROL_SOCKET_IN_USE: [409, 'another tibox agent is already answering on the control socket {path}'],
  TIBOX_CONTROL_SOCKET_NOT_SOCKET: [500, '{path} exists and is not a socket; refusing to replace it'],
  // Who asks (docs/control.md): the web UI's socket names the acting web UI user in each action request.
  TIBOX_CONTROL_ACTOR_MISSING: [400, 'an action on the web UI socket must name the acting web UI user in the X-Tibox-Actor header'],
  TIBOX_CONTROL_ACTOR_INVALID: [400, 'the acting user "{actor}" is not a valid web UI user name (1 to 32 of a-z, 0-9, ".", "_", "-", starting with a letter)'],
  TIBOX_CONTROL_ACTOR_REFUSED: [400, "only the web UI's own socket takes an acting user; on this socket every caller is {actor}"],
  // Raised by the CLI itself, before anything reaches the agent.
  TIBOX_CLI_FILE_UNREADABLE: [400, 'cannot read {path}: {reason}'],
  TIBOX_CLI_PASSWORD_FILE_NEEDED: [422, "the profile's PKCS#12 identity needs a password; with no terminal to ask on, give it with --password-file FILE"],
  // Provisioning (docs/provisioning.md): the factory step `tibox provision`, and what needs its data.
  TIBOX_PROVISION_INVALID: [422, '{field} {reason}'],
  TIBOX_PROVISION_EXISTS: [409, 'the box is already provisioned ({existing}); give --force to replace it, which needs a new label'],
  TIBOX_PROVISION_WRITE_FAILED: [500, 'the provisioning data could not be written to {path}: {reason}'],
  TIBOX_NOT_PROVISIONED: [409, 'the box has no usable provisioning data, so it has no initial password to check: {reason}'],
  // The web UI's accounts (docs/webui.md): a password change needs the old password and a new one that passes.
  TIBOX_WEBUI_WRONG_PASSWORD: [403, 'the current password is wrong'],
  TIBOX_WEBUI_PASSWORD_REFUSED: [422, 'the new password was refused: it {reason}'],
  // VPN profile import (docs/profile.md). Each refusal has its own code so the web UI can say
  // what to do: ask for the password again, ask the datacenter for a new file, check the clock.
  TIBOX_PROFILE_TOO_LARGE: [413, 'the profile has {size} bytes, more than the limit of {limit} bytes'],
  TIBOX_PROFILE_MALFORMED: [422, 'the profile file is malformed: {reason}'],
  TIBOX_PROFILE_UNSIGNED: [422, 'the profile carries no signature'],
  TIBOX_PROFILE_BAD_SIGNATURE: [422, 'the profile signature does not verify with the pinned datacenter key: it was signed with another key or changed after signing'],
  TIBOX_PROFILE_UNSUPPORTED_VERSION: [422, 'profile format version {version} is not supported (this firmware reads {supported})'],
  TIBOX_PROFILE_PASSWORD_REQUIRED: [422, "the profile's PKCS#12 identity needs a password"],
  TIBOX_PROFILE_WRONG_PASSWORD: [422, "the password does not open the profile's PKCS#12 identity"],
  TIBOX_PROFILE_BUNDLE_UNREADABLE: [422, "the profile's PKCS#12 identity cannot be read: {reason}"],
  TIBOX_PROFILE_BUNDLE_INCOMPLETE: [422, "the profile's PKCS#12 identity holds {problem}"],
  TIBOX_PROFILE_KEY_MISMATCH: [422, 'the private key does not belong to the box certificate'],
  TIBOX_PROFILE_CERT_EXPIRED: [422, 'the {which} certificate ({subject}) expired on {notAfter}'],
  TIBOX_PROFILE_CERT_NOT_YET_VALID: [422, 'the {which} certificate ({subject}) is valid only from {notBefore}'],
  TIBOX_PROFILE_NOT_A_CA: [422, 'caCertificates[{index}] ({subject}) is not a CA certificate (basicConstraints CA:TRUE is required)'],
  TIBOX_PROFILE_UNTRUSTED_CERT: [422, 'the box certificate ({subject}) was not issued by a CA in caCertificates'],
  TIBOX_PROFILE_INVALID_FIELD: [422, 'profile field {field}: {reason}'],
  // A renewal pushed by remote management replaces this box's profile only.
  TIBOX_PROFILE_OTHER_BOX: [422, 'the profile is for box {offered}; this box is {current}'],
  // Firewall (src/firewall/): a desired state refused before anything of it is rendered or loaded;
  // the details list every problem found.
  TIBOX_FIREWALL_INVALID: [422, 'the firewall desired state was refused: {field} {reason}'],
  // LAN: dnsmasq for the terminal bridge and split DNS (src/lan/dnsmasq/).
  TIBOX_DNSMASQ_INVALID_FIELD: [422, 'dnsmasq setting {field}: {reason}'],
  TIBOX_DNSMASQ_NOT_STARTED: [503, 'dnsmasq did not start: {reason}'],
  // Device inventory (src/lan/inventory/): registering PVS hosts and card terminals. Each
  // refusal names the field and what to enter instead; nothing is stored.
  TIBOX_DEVICE_INVALID_FIELD: [422, 'device field {field}: {reason}'],
  TIBOX_DEVICE_INVALID_MAC: [422, 'the MAC address {value} cannot be used: {reason}'],
  TIBOX_DEVICE_INVALID_ADDRESS: [422, 'the address {value} is not an IPv4 address such as 10.77.12.10'],
  TIBOX_DEVICE_OUTSIDE_HALF: [422, 'a {kind} needs an address in {expected}; {address} is outside'],
  TIBOX_DEVICE_RESERVED_ADDRESS: [422, '{address} is the {role} of {half}; choose another address in {half}'],
  TIBOX_DEVICE_BOX_MAC: [422, "the MAC address {mac} is the box's own, on its {port}; enter the MAC of the device's own network card"],
  TIBOX_DEVICE_DUPLICATE: [409, 'the {field} {value} is already registered for "{other}"'],
  TIBOX_DEVICE_INVALID_CETP_PORT: [422, 'CETP port {value}: {reason}'],
  TIBOX_DEVICE_TERMINAL_CETP: [422, 'a card terminal has no CETP ports; only PVS hosts receive CETP events'],
  TIBOX_DEVICE_NOT_FOUND: [404, 'no registered device "{device}"'],
  TIBOX_DEVICE_NO_SEGMENT: [409, 'devices can be registered once a VPN profile has given the box its TI segment'],
  TIBOX_DEVICE_INVALID_SEGMENT: [500, 'the TI segment halves cannot be used: {reason}'],
  TIBOX_DEVICE_STORE_UNAVAILABLE: [503, 'the device registry is not available: {reason}'],
  // LAN ports and the address plan (src/lan/): settings that cannot be planned, and address
  // collisions that refuse a change before anything is applied (the message says what to change).
  TIBOX_LAN_INVALID: [422, 'LAN setting {field}: {reason}'],
  TIBOX_LAN_ADDRESS_COLLISION: [409, 'the address plan was refused: {reason}'],
});

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The placeholder names of a message template, e.g. 'action' | 'reason'. */
type Placeholders<T extends string> = T extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

export type ErrorParams<C extends ErrorCode> = Record<Placeholders<(typeof ERROR_CATALOGUE)[C]['message']>, string | number>;

export type ErrorArgs = { [C in ErrorCode]: [code: C, params: ErrorParams<C>, details?: unknown] }[ErrorCode];

export function formatMessage(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export class TiboxError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Structured specifics for machines (a field name, a limit); must be JSON-serialisable. */
  readonly details: unknown;

  constructor(...[code, params, details]: ErrorArgs) {
    const definition: ErrorDefinition = ERROR_CATALOGUE[code];
    super(formatMessage(definition.message, params));
    this.name = 'TiboxError';
    this.code = code;
    this.status = definition.status;
    this.details = details;
  }
}

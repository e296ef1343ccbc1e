// The errors of the VICI client, each with a stable code so callers (tunnel controller,
// health) branch on `code`, never on message text.

export type ViciErrorCode =
  | 'VICI_PROTOCOL'
  | 'VICI_ENCODE'
  | 'VICI_CLOSED'
  | 'VICI_TIMEOUT'
  | 'VICI_ABORTED'
  | 'VICI_UNKNOWN_COMMAND'
  | 'VICI_UNKNOWN_EVENT'
  | 'VICI_COMMAND_FAILED';

export class ViciError extends Error {
  readonly code: ViciErrorCode;

  constructor(code: ViciErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bytes from the socket that do not follow the protocol. The only error decoding throws. */
export class ViciProtocolError extends ViciError {
  constructor(message: string) {
    super('VICI_PROTOCOL', `vici: ${message}`);
  }
}

/** A message or packet that cannot be encoded (oversize, non-ASCII key, too deep, ...). */
export class ViciEncodeError extends ViciError {
  constructor(message: string) {
    super('VICI_ENCODE', `vici: cannot encode: ${message}`);
  }
}

/** The connection ended (or was never there); `cause` says why when known. */
export class ViciClosedError extends ViciError {
  constructor(message: string, cause?: unknown) {
    super('VICI_CLOSED', `vici: ${message}`, cause === undefined ? undefined : { cause });
  }
}

export class ViciTimeoutError extends ViciError {
  constructor(what: string, ms: number) {
    super('VICI_TIMEOUT', `vici: ${what} timed out after ${ms} ms`);
  }
}

export class ViciAbortedError extends ViciError {
  constructor(what: string, reason: unknown) {
    super('VICI_ABORTED', `vici: ${what} aborted`, { cause: reason });
  }
}

/** charon answered CMD_UNKNOWN: this charon has no such command (plugin missing, too old). */
export class ViciUnknownCommandError extends ViciError {
  readonly command: string;

  constructor(command: string) {
    super('VICI_UNKNOWN_COMMAND', `vici: charon does not know the command '${command}'`);
    this.command = command;
  }
}

/** charon answered EVENT_UNKNOWN to a (un)registration. */
export class ViciUnknownEventError extends ViciError {
  readonly event: string;

  constructor(event: string) {
    super('VICI_UNKNOWN_EVENT', `vici: charon does not know the event '${event}'`);
    this.event = event;
  }
}

/** charon ran the command and answered `success = no`; `errmsg` is charon's own text. */
export class ViciCommandError extends ViciError {
  readonly command: string;
  readonly errmsg: string;
  /** control-log lines charon streamed during the command (initiate, terminate), oldest first. */
  readonly log: readonly string[];

  constructor(command: string, errmsg: string, log: readonly string[] = []) {
    super('VICI_COMMAND_FAILED', `vici: ${command} failed: ${errmsg || 'no reason given'}`);
    this.command = command;
    this.errmsg = errmsg;
    this.log = log;
  }
}

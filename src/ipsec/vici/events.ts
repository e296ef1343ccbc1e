// The charon events tibox listens to (README "Server-issued events"), parsed from their VICI
// messages into small typed payloads. A message of the wrong shape throws ViciProtocolError;
// the connection logs it with the event's name, so a misparsed event is never lost unseen.
import { ViciProtocolError } from './errors.ts';
import { getString, sectionsOf, type ViciMessage } from './message.ts';

export interface SaUpDown {
  up: boolean;
  /** IKE_SA config name (the connection name given to load-conn). */
  ike: string;
  /** The IKE_SA as in list-sas; for child-updown its child-sas holds the affected CHILD_SA. */
  sa: ViciMessage;
}

export interface SaRekey {
  ike: string;
  /** ike-rekey: sections `old` and `new`; child-rekey: the IKE_SA with child-sas → name → old/new. */
  sa: ViciMessage;
}

export interface LogLine {
  group: string;
  level: number;
  /** The IKE_SA the line is about, when charon names one. */
  ike?: string;
  msg: string;
}

export interface ViciEventMap {
  'ike-updown': SaUpDown;
  'child-updown': SaUpDown;
  'ike-rekey': SaRekey;
  'child-rekey': SaRekey;
  log: LogLine;
}

export type ViciEventName = keyof ViciEventMap;

/** The one IKE_SA section of an updown or rekey event; the other keys are scalars (`up`). */
function onlySa(event: string, message: ViciMessage): [string, ViciMessage] {
  const sections = sectionsOf(message);
  const first = sections[0];
  if (sections.length !== 1 || first === undefined) {
    throw new ViciProtocolError(`${event} event carries ${sections.length} IKE_SA sections, expected 1`);
  }
  return first;
}

function upDown(event: string, message: ViciMessage): SaUpDown {
  const [ike, sa] = onlySa(event, message);
  // charon adds `up = yes` only for an SA coming up; a down event has no `up` key.
  return { up: getString(message, 'up') === 'yes', ike, sa };
}

function rekey(event: string, message: ViciMessage): SaRekey {
  const [ike, sa] = onlySa(event, message);
  return { ike, sa };
}

export function parseLogLine(message: ViciMessage): LogLine {
  const msg = getString(message, 'msg');
  if (msg === undefined) throw new ViciProtocolError('log event without msg');
  const ike = getString(message, 'ikesa-name');
  return {
    group: getString(message, 'group') ?? '',
    level: Number(getString(message, 'level') ?? 0),
    ...(ike === undefined ? {} : { ike }),
    msg,
  };
}

export const eventParsers: { [K in ViciEventName]: (message: ViciMessage) => ViciEventMap[K] } = {
  'ike-updown': (m) => upDown('ike-updown', m),
  'child-updown': (m) => upDown('child-updown', m),
  'ike-rekey': (m) => rekey('ike-rekey', m),
  'child-rekey': (m) => rekey('child-rekey', m),
  log: parseLogLine,
};


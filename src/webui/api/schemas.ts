// What the web UI takes from a form or an API request, one valibot schema each, checked before
// anything is asked of the agent. Each problem is named by a key of the message catalogue
// (i18n `input`), so a refusal reads in the page's language. The agent checks again with its own
// rules (the TI segment, duplicates, the box's own MACs): these only keep out what is no device
// name, address or port at all (markup is fine in a name, as every page escapes it; control
// characters and 10 kB are not).
import * as v from 'valibot';
import type { InputProblem } from '../i18n/index.ts';

/** The agent's limit for a device name (src/lan/inventory/validate.ts). */
export const MAX_DEVICE_NAME = 63;
export const MAX_CETP_PORTS = 16;

const problem = (key: InputProblem) => key;

const deviceName = v.pipe(
  v.string(problem('nameEmpty')),
  v.trim(),
  v.nonEmpty(problem('nameEmpty')),
  v.check((s) => [...s].length <= MAX_DEVICE_NAME, problem('nameTooLong')),
  v.check((s) => !/\p{C}/u.test(s), problem('nameControl')),
  v.check((s) => !/^\d+$/.test(s), problem('nameDigits')),
);
const kind = v.picklist(['pvs', 'terminal'], problem('kind'));
const address = v.pipe(v.string(problem('address')), v.trim(), v.ipv4(problem('address')));
const mac = v.pipe(v.string(problem('mac')), v.trim(), v.regex(/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/, problem('mac')));
const port = v.pipe(v.number(problem('cetpPorts')), v.integer(problem('cetpPorts')), v.minValue(1, problem('cetpPorts')), v.maxValue(65535, problem('cetpPorts')));
const ports = v.pipe(v.array(port, problem('cetpPorts')), v.maxLength(MAX_CETP_PORTS, problem('cetpPorts')));
/** "8010, 8011" as a form sends it; empty for none. */
const portsText = v.pipe(
  v.optional(v.string(problem('cetpPorts')), ''),
  v.check((s) => /^[\d\s,]*$/.test(s), problem('cetpPorts')),
  v.transform((s) => s.split(/[\s,]+/).filter((p) => p !== '').map(Number)),
  ports,
);

/** A registration from the JSON API. */
export const RegistrationJson = v.strictObject(
  { kind, name: deviceName, address, mac, cetpPorts: v.optional(ports, []) },
  problem('malformed'),
);
/** A registration from the page's form (the CSRF token rides along). */
export const RegistrationForm = v.object({ kind, name: deviceName, address, mac, cetpPorts: portsText }, problem('malformed'));
/** A new name, from the API or the form. */
export const RenameJson = v.strictObject({ name: deviceName }, problem('malformed'));
export const RenameForm = v.object({ name: deviceName }, problem('malformed'));
/** A device's number in a path. */
export const DeviceId = v.pipe(v.string(problem('device')), v.regex(/^[1-9]\d{0,8}$/, problem('device')), v.transform(Number));
/** The tunnel's actions. */
export const TunnelAction = v.picklist(['up', 'down', 'restart'], problem('action'));
/** The optional password of a profile file. */
export const ProfilePassword = v.pipe(v.optional(v.string(problem('password')), ''), v.maxLength(256, problem('password')));

/** A config field of the network page: a string of at most `max` characters, trimmed; the agent judges its value. */
const networkText = (max: number) => v.pipe(v.string(problem('networkField')), v.trim(), v.maxLength(max, problem('networkField')));
/** A list as a form field: "eth1 eth2" or "9.9.9.9, 1.1.1.1"; empty for none. */
const listText = (max: number) =>
  v.pipe(
    networkText(200),
    v.transform((s) => s.split(/[\s,]+/).filter((item) => item !== '')),
    v.maxLength(max, problem('networkField')),
  );
const wanMode = v.picklist(['dhcp', 'static'], problem('networkField'));
/** How long a network change waits for its confirmation, in the agent's bounds. */
const confirmSeconds = v.pipe(v.number(problem('confirmTimeout')), v.integer(problem('confirmTimeout')), v.minValue(5, problem('confirmTimeout')), v.maxValue(3600, problem('confirmTimeout')));

/** The network page's form: every field, as the page shows them all. */
export const NetworkForm = v.object(
  {
    wanMode,
    wanAddress: networkText(18),
    wanGateway: networkText(15),
    wanResolvers: listText(3),
    lanFallback: networkText(18),
    terminals: listText(8),
    timeoutS: v.pipe(v.string(problem('confirmTimeout')), v.regex(/^\d{1,4}$/, problem('confirmTimeout')), v.transform(Number), confirmSeconds),
  },
  problem('malformed'),
);
/** A network change from the JSON API: only the fields given change. */
export const NetworkJson = v.strictObject(
  {
    wan: v.optional(
      v.strictObject(
        {
          mode: v.optional(wanMode),
          address: v.optional(networkText(18)),
          gateway: v.optional(networkText(15)),
          resolvers: v.optional(v.pipe(v.array(networkText(15), problem('networkField')), v.maxLength(3, problem('networkField')))),
        },
        problem('malformed'),
      ),
    ),
    lanFallback: v.optional(networkText(18)),
    terminals: v.optional(v.pipe(v.array(networkText(15), problem('networkField')), v.maxLength(8, problem('networkField')))),
    timeoutS: v.optional(confirmSeconds),
  },
  problem('malformed'),
);
/** A confirmation, naming the revision the page showed (optional in the API). */
export const ConfirmForm = v.object({ revision: v.pipe(v.string(problem('malformed')), v.regex(/^[1-9]\d{0,8}$/, problem('malformed')), v.transform(Number)) }, problem('malformed'));
export const ConfirmJson = v.strictObject({ revision: v.optional(v.pipe(v.number(problem('malformed')), v.integer(problem('malformed')), v.minValue(1, problem('malformed')))) }, problem('malformed'));

/** The function test's button: where the page returns to while the test runs. */
export const CheckForm = v.object({ return: v.optional(v.picklist(['/check', '/wizard/done'], problem('malformed')), '/check') }, problem('malformed'));
/** The API's run takes no arguments. */
export const CheckJson = v.strictObject({}, problem('malformed'));

export type Registration = v.InferOutput<typeof RegistrationJson>;

/** The value, or the first problem as a catalogue key and the field it is in. */
export function readInput<S extends v.GenericSchema>(schema: S, input: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; problem: InputProblem; field?: string } {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  // The form field or top-level key it is in (a port's index in the list says no more).
  const key = issue.path?.[0]?.key;
  const field = key === undefined ? undefined : String(key);
  return { ok: false, problem: issue.message as InputProblem, ...(field ? { field } : {}) };
}

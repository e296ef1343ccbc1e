// The vocabulary of config fields: a small set of kinds, each plain JSON data so one definition
// both validates a value (checkValue) and describes itself to the web UI. Messages are English
// plain words for the person who typed the value; the UI shows them next to the field.
import { formatPrefix, networkOf, parseInterfaceAddress, parseIpv4 } from '../../core/index.ts';

/** Text shown to people: German first (the default UI language), English beside it. */
export interface Text {
  readonly de: string;
  readonly en: string;
}

export interface StringKind {
  readonly type: 'string';
  /** Lengths count characters (code points), not bytes. */
  readonly minLength: number;
  readonly maxLength: number;
  /** A JavaScript regular expression (`u` flag) the whole value must match. */
  readonly pattern?: string;
  /** Says in plain words what the pattern wants, e.g. 'must contain printable characters only'. */
  readonly patternMessage?: string;
}
export interface EnumKind {
  readonly type: 'enum';
  readonly values: readonly string[];
}
export interface IntegerKind {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
}
export interface BooleanKind {
  readonly type: 'boolean';
}
/** A Linux network interface name (1–15 characters, a conservative character set). */
export interface InterfaceKind {
  readonly type: 'interface';
}
/** An IPv4 address in dotted-quad form, no leading zeros (they would read as octal elsewhere). */
export interface Ipv4Kind {
  readonly type: 'ipv4';
}
/** An IPv4 network in CIDR form, host bits zero: '192.168.10.0/24'. */
export interface Ipv4PrefixKind {
  readonly type: 'ipv4Prefix';
}
export type ScalarKind = StringKind | EnumKind | IntegerKind | BooleanKind | InterfaceKind | Ipv4Kind | Ipv4PrefixKind;
export interface ListKind {
  readonly type: 'list';
  readonly of: ScalarKind;
  readonly minItems: number;
  readonly maxItems: number;
  /** No entry may appear twice. */
  readonly unique: boolean;
}
export type Kind = ScalarKind | ListKind;

/** The value a kind holds. */
export type ValueOf<K> = K extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
  ? V
  : K extends { readonly type: 'integer' }
    ? number
    : K extends { readonly type: 'boolean' }
      ? boolean
      : K extends { readonly type: 'list'; readonly of: infer I }
        ? readonly ValueOf<I>[]
        : string;

export type Field<K extends Kind = Kind> = K & {
  readonly label: Text;
  readonly help: Text;
  /** Used where a stored config lacks the field (new firmware, first start). Must validate. */
  readonly default: ValueOf<K>;
  /** Masked in the audit log (gemSpec_Kon TIP1-A_5005); the web UI must never echo its value. */
  readonly secret?: boolean;
};

export interface FieldError {
  /** Dotted path of the setting, with an index for list entries: 'interfaces.terminals[1]'. */
  readonly path: string;
  readonly message: string;
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Plain words for what a value is, for "must be X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a group of settings';
    default:
      return `a value of type ${typeof value}`;
  }
}

/** Checks one value against its kind; returns the problems, none when the value is valid. */
export function checkValue(kind: Kind, value: unknown, path: string): FieldError[] {
  if (kind.type === 'list') return checkList(kind, value, path);
  const message = scalarProblem(kind, value);
  return message === undefined ? [] : [{ path, message }];
}

function checkList(kind: ListKind, value: unknown, path: string): FieldError[] {
  if (!Array.isArray(value)) return [{ path, message: `must be a list, got ${describeValue(value)}` }];
  const errors: FieldError[] = [];
  if (value.length < kind.minItems) errors.push({ path, message: `must have at least ${entries(kind.minItems)}` });
  if (value.length > kind.maxItems) errors.push({ path, message: `must have at most ${entries(kind.maxItems)}` });
  value.forEach((item: unknown, i) => {
    const message = scalarProblem(kind.of, item);
    if (message !== undefined) errors.push({ path: `${path}[${i}]`, message });
    else if (kind.unique && value.indexOf(item) < i) errors.push({ path: `${path}[${i}]`, message: `repeats ${JSON.stringify(item)}` });
  });
  return errors;
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${n} entries`;
}

function scalarProblem(kind: ScalarKind, value: unknown): string | undefined {
  const got = `got ${describeValue(value)}`;
  switch (kind.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, ${got}`;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number, ${got}`;
      return value < kind.min || value > kind.max ? `must be between ${kind.min} and ${kind.max}` : undefined;
    case 'enum':
      if (typeof value === 'string' && kind.values.includes(value)) return undefined;
      return `must be one of ${kind.values.join(', ')}; got ${typeof value === 'string' ? JSON.stringify(value) : describeValue(value)}`;
  }
  if (typeof value !== 'string') return `must be text, ${got}`;
  switch (kind.type) {
    case 'string':
      return stringProblem(kind, value);
    case 'interface':
      return INTERFACE_NAME.test(value) && value !== '.' && value !== '..'
        ? undefined
        : `must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'`;
    case 'ipv4':
      return parseIpv4(value) !== undefined ? undefined : 'must be an IPv4 address such as 192.168.1.10';
    case 'ipv4Prefix':
      return prefixProblem(value);
  }
}

function stringProblem(kind: StringKind, value: string): string | undefined {
  const length = [...value].length;
  if (length < kind.minLength) return kind.minLength === 1 ? 'must not be empty' : `must be at least ${kind.minLength} characters long`;
  if (length > kind.maxLength) return `must be at most ${kind.maxLength} characters long`;
  if (kind.pattern !== undefined && !new RegExp(`^(?:${kind.pattern})$`, 'u').test(value)) {
    return kind.patternMessage ?? `must match the pattern ${kind.pattern}`;
  }
  return undefined;
}

function prefixProblem(value: string): string | undefined {
  const parsed = parseInterfaceAddress(value);
  if (!parsed) return 'must be an IPv4 network such as 192.168.10.0/24';
  const network = networkOf(parsed.address, parsed.length);
  return network.network === parsed.address ? undefined : `has host bits set; the network is ${formatPrefix(network)}`;
}

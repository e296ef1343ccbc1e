// A config schema is a tree: groups (plain objects) whose leaves are fields (fields.ts). From one
// tree come the config's TypeScript type (ConfigOf), its defaults, its validation, its description
// for the web UI and the per-field difference between two configs (for the audit log).
// Configs are plain JSON data, deeply frozen, so a holder can neither change nor corrupt them.
import { checkValue, describeValue, type Field, type FieldError, type Kind, type Text, type ValueOf } from './fields.ts';

export interface Group {
  readonly [key: string]: Field | Group;
}

/** Keeps the literal types of a schema (enum values) so ConfigOf can derive exact value types. */
export function defineSchema<const S extends Group>(schema: S): S {
  return schema;
}

export type ConfigOf<S> = { readonly [K in keyof S]: S[K] extends { readonly type: string } ? ValueOf<S[K]> : ConfigOf<S[K]> };

/** A change to a config: any subset of its fields, nested like the config. Lists are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

export type Validation<C> = { ok: true; config: C } | { ok: false; errors: FieldError[] };

/** What the web UI needs to render and explain one field; JSON-serialisable. */
export interface FieldDescription {
  path: string;
  type: Kind['type'];
  label: Text;
  help: Text;
  default: unknown;
  secret: boolean;
  /** The kind's own constraints: lengths, pattern, values, range, list item kind. */
  constraints: Record<string, unknown>;
}

export interface FieldChange {
  path: string;
  field: Field;
  old: unknown;
  new: unknown;
}

// A field's `type` is a string; a group entry named `type` would hold a field or group instead.
function isField(node: Field | Group): node is Field {
  return typeof node.type === 'string';
}

/** Every field with its dotted path, in schema order. */
function fieldsOf(schema: Group, prefix = ''): [string, Field][] {
  return Object.entries(schema).flatMap(([key, node]): [string, Field][] =>
    isField(node) ? [[prefix + key, node]] : fieldsOf(node, `${prefix}${key}.`),
  );
}

export function defaults<S extends Group>(schema: S): ConfigOf<S> {
  return deepFreeze(buildDefaults(schema)) as ConfigOf<S>;
}

function buildDefaults(group: Group): Record<string, unknown> {
  return Object.fromEntries(Object.entries(group).map(([key, node]) => [key, isField(node) ? structuredClone(node.default) : buildDefaults(node)]));
}

/** Rules beyond one field's kind: fields against each other, the subsystems' own rules. */
export type ConfigCheck<S extends Group> = (config: ConfigOf<S>) => FieldError[];

/**
 * Checks a whole config. A missing field takes its default (a config stored by an older firmware
 * lacks the fields added since); an unknown key or a value of the wrong kind is an error. `check`
 * runs once every field is valid, so it reads a config of the schema's type.
 */
export function validate<S extends Group>(schema: S, input: unknown, check?: ConfigCheck<S>): Validation<ConfigOf<S>> {
  const errors: FieldError[] = [];
  const config = validateGroup(schema, input, '', errors);
  if (errors.length > 0) return { ok: false, errors };
  const valid = deepFreeze(config) as ConfigOf<S>;
  const problems = check?.(valid) ?? [];
  return problems.length === 0 ? { ok: true, config: valid } : { ok: false, errors: problems };
}

function validateGroup(group: Group, input: unknown, prefix: string, errors: FieldError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlainObject(input)) {
    errors.push({ path: prefix.slice(0, -1) || '(config)', message: `must be a group of settings, got ${describeValue(input)}` });
    return out;
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(group, key)) errors.push({ path: prefix + key, message: 'is not a known setting' });
  }
  for (const [key, node] of Object.entries(group)) {
    const path = prefix + key;
    const value = own(input, key);
    if (!isField(node)) {
      out[key] = validateGroup(node, value === undefined ? {} : value, `${path}.`, errors);
    } else if (value === undefined) {
      out[key] = structuredClone(node.default);
    } else {
      const problems = checkValue(node, value, path);
      errors.push(...problems);
      if (problems.length === 0) out[key] = structuredClone(value);
    }
  }
  return out;
}

export function describe(schema: Group): FieldDescription[] {
  return fieldsOf(schema).map(([path, field]) => {
    const { type, label, help, default: value, secret, ...constraints } = field;
    return { path, type, label, help, default: structuredClone(value), secret: secret === true, constraints: structuredClone(constraints) };
  });
}

/** The fields whose values differ between two valid configs of the schema, in schema order. */
export function changedFields<S extends Group>(schema: S, before: ConfigOf<S>, after: ConfigOf<S>): FieldChange[] {
  return fieldsOf(schema).flatMap(([path, field]): FieldChange[] => {
    const old = valueAt(before, path);
    const now = valueAt(after, path);
    return JSON.stringify(old) === JSON.stringify(now) ? [] : [{ path, field, old, new: now }];
  });
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), config);
}

/** Applies a change to a config: groups merge key by key, anything else (lists too) replaces. */
export function mergeChange(base: unknown, change: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(change)) return structuredClone(change);
  const keys = new Set([...Object.keys(base), ...Object.keys(change)]);
  // fromEntries and own-property reads keep a key such as '__proto__' an ordinary (unknown) key.
  return Object.fromEntries(
    [...keys].map((key) => {
      const value = own(change, key);
      return [key, value === undefined ? structuredClone(own(base, key)) : mergeChange(own(base, key), value)];
    }),
  );
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

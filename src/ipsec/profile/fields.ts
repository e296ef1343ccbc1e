// Small readers for the payload's JSON values. Each takes the field's path for the message and
// throws a TIBOX_PROFILE_INVALID_FIELD ProfileError on the first problem. Objects are closed:
// a field this firmware does not know is refused rather than silently ignored.
import { invalidField } from './errors.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The object at `field`, with every key in `required`, no key outside `required` + `optional`. */
export function readObject(value: unknown, field: string, required: readonly string[], optional: readonly string[] = []): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField(field, `must be an object, not ${describe(value)}`);
  }
  const known = new Set([...required, ...optional]);
  const prefix = field === '' ? '' : `${field}.`;
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw invalidField(prefix + key, 'is not a known field');
  }
  for (const key of required) {
    if (!(key in value)) throw invalidField(prefix + key, 'is missing');
  }
  return value as JsonObject;
}

/** A field whose object form is one of two shapes, told apart by which key it has. */
export function whichOf<A extends string, B extends string>(value: JsonObject, field: string, a: A, b: B): A | B {
  if (a in value === b in value) throw invalidField(field, `must have either "${a}" or "${b}"`);
  return a in value ? a : b;
}

export function readString(value: unknown, field: string, maxLength = 253): string {
  if (typeof value !== 'string') throw invalidField(field, `must be a string, not ${describe(value)}`);
  if (value.length === 0) throw invalidField(field, 'must not be empty');
  if (value.length > maxLength) throw invalidField(field, `must be at most ${maxLength} characters`);
  return value;
}

/**
 * A non-empty list of at most `maxItems`, each item read by `item` with its own path
 * (`field[i]`); duplicates are refused because they always mean a mistake in these lists.
 */
export function readList<T>(value: unknown, field: string, maxItems: number, item: (value: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw invalidField(field, `must be a list, not ${describe(value)}`);
  if (value.length === 0) throw invalidField(field, 'must not be empty');
  if (value.length > maxItems) throw invalidField(field, `must have at most ${maxItems} entries`);
  const items = value.map((v: unknown, i) => item(v, `${field}[${i}]`));
  const seen = new Set<string>();
  items.forEach((v, i) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw invalidField(`${field}[${i}]`, 'repeats an earlier entry');
    seen.add(key);
  });
  return items;
}

/** A string that must pass `check`; `expected` says what it should have been. */
export function readMatching(value: unknown, field: string, check: (text: string) => boolean, expected: string, maxLength?: number): string {
  const text = readString(value, field, maxLength);
  if (!check(text)) throw invalidField(field, `must be ${expected}, not ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding and nothing else (no line breaks, no URL alphabet), or undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

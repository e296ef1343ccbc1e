// Reading DDI JSON as untrusted input. A body is refused above its resource's byte limit before
// JSON.parse sees it; then a Reader walks only the fields the model names, checking type, length
// and pattern, and every refusal names the field's path. Unknown fields are ignored, as hawkBit's
// own model does (`ignoreUnknown`), so a newer server's additions do not break an older box.
import { DdiMalformedError, DdiTooLargeError } from './errors.ts';

/** Strings the model leaves open (names, versions, messages) are cut off at this length. */
export const MAX_TEXT_CHARS = 1024;
export const MAX_URL_CHARS = 2048;

/** `text` in at most `max` UTF-16 units, ending in … when cut, never splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

export function parseBoundedJson(resource: string, body: string | Uint8Array, limit: number): unknown {
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > limit) throw new DdiTooLargeError(resource, size, limit);
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DdiMalformedError(resource, '', `not JSON (${(error as Error).message})`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

interface TextRule {
  max?: number;
  pattern?: RegExp;
  /** Said in the error when the pattern does not match ("64 hex digits"). */
  patternText?: string;
}

/** One JSON object of a body, at `path`; every getter throws DdiMalformedError naming the field. */
export class Reader {
  readonly resource: string;
  readonly path: string;
  private readonly fields: Readonly<Record<string, unknown>>;

  constructor(resource: string, value: unknown, path = '') {
    this.resource = resource;
    this.path = path;
    if (value === undefined) throw this.fail(path, 'is missing');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.fail(path, `must be an object, not ${describe(value)}`);
    this.fields = value as Record<string, unknown>;
  }

  fail(path: string, reason: string): DdiMalformedError {
    return new DdiMalformedError(this.resource, path, reason);
  }

  private at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** The field's value, or undefined when it is absent or null (hawkBit omits nulls, others send them). */
  private raw(key: string): unknown {
    return Object.hasOwn(this.fields, key) ? (this.fields[key] ?? undefined) : undefined;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  object(key: string): Reader {
    return new Reader(this.resource, this.raw(key), this.at(key));
  }

  optionalObject(key: string): Reader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  text(key: string, rule: TextRule = {}): string {
    const value = this.raw(key);
    const path = this.at(key);
    if (typeof value !== 'string') throw this.fail(path, value === undefined ? 'is missing' : `must be a string, not ${describe(value)}`);
    checkText(this, path, value, rule);
    return value;
  }

  optionalText(key: string, rule: TextRule = {}): string | undefined {
    return this.has(key) ? this.text(key, rule) : undefined;
  }

  oneOf<const T extends string>(key: string, values: readonly T[]): T {
    const value = this.text(key, { max: 64 });
    if (!(values as readonly string[]).includes(value)) throw this.fail(this.at(key), `must be one of ${values.join(', ')}, not ${JSON.stringify(value)}`);
    return value as T;
  }

  optionalOneOf<const T extends string>(key: string, values: readonly T[]): T | undefined {
    return this.has(key) ? this.oneOf(key, values) : undefined;
  }

  integer(key: string, min: number, max: number): number {
    const value = this.raw(key);
    const path = this.at(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw this.fail(path, value === undefined ? 'is missing' : `must be an integer, not ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`);
    }
    if (value < min || value > max) throw this.fail(path, `must be from ${min} to ${max}, not ${value}`);
    return value;
  }

  optionalInteger(key: string, min: number, max: number): number | undefined {
    return this.has(key) ? this.integer(key, min, max) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.fail(this.at(key), `must be true or false, not ${describe(value)}`);
    return value;
  }

  /** An array of at most `max` items, each read by `item` with its own path (`chunks[2]`). */
  list<T>(key: string, max: number, item: (value: unknown, path: string) => T): T[] {
    const value = this.raw(key);
    const path = this.at(key);
    if (!Array.isArray(value)) throw this.fail(path, value === undefined ? 'is missing' : `must be an array, not ${describe(value)}`);
    if (value.length > max) throw this.fail(path, `has ${value.length} entries, more than ${max}`);
    return value.map((entry: unknown, index) => item(entry, `${path}[${index}]`));
  }

  optionalList<T>(key: string, max: number, item: (value: unknown, path: string) => T): T[] | undefined {
    return this.has(key) ? this.list(key, max, item) : undefined;
  }

  /** Every field as a key and a value, for maps such as configData's `data`. */
  entries(): [string, unknown][] {
    return Object.entries(this.fields);
  }

  /** A string array item (`details[3]`) under the same rules as a field. */
  textItem(value: unknown, path: string, rule: TextRule = {}): string {
    if (typeof value !== 'string') throw this.fail(path, `must be a string, not ${describe(value)}`);
    checkText(this, path, value, rule);
    return value;
  }
}

function checkText(reader: Reader, path: string, value: string, rule: TextRule): void {
  const max = rule.max ?? MAX_TEXT_CHARS;
  if (value.length > max) throw reader.fail(path, `has ${value.length} characters, more than ${max}`);
  if (rule.pattern && !rule.pattern.test(value)) throw reader.fail(path, `must be ${rule.patternText ?? `like ${rule.pattern.source}`}, not ${JSON.stringify(value.slice(0, 80))}`);
}

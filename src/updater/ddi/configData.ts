// The box's attributes (`PUT .../configData`), which hawkBit keeps per target and shows to the
// operators: serial number, versions, tunnel state, health. hawkBit holds keys and values of at
// most 128 characters; the box's keys are its own and fixed, its values (a list of warnings, a
// gateway name) are cut to fit rather than make the whole report fail.
import { cutText, parseBoundedJson, Reader } from './json.ts';

const RESOURCE = 'config data';
export const MAX_CONFIG_DATA_BYTES = 64 * 1024;
export const MAX_ATTRIBUTES = 100;
export const MAX_ATTRIBUTE_CHARS = 128;
const KEY = { max: MAX_ATTRIBUTE_CHARS, pattern: /^[A-Za-z0-9._-]+$/, patternText: 'letters, digits, dots, dashes or underscores' };

export const UPDATE_MODE = ['merge', 'replace', 'remove'] as const;
export type UpdateMode = (typeof UPDATE_MODE)[number];

export interface ConfigData {
  mode: UpdateMode;
  data: Map<string, string>;
}

/** The JSON body the box sends. A key outside the rules is a programming error and throws. */
export function encodeConfigData(data: ReadonlyMap<string, string>, mode: UpdateMode = 'merge'): string {
  if (data.size > MAX_ATTRIBUTES) throw new Error(`configData: ${data.size} attributes, more than ${MAX_ATTRIBUTES}`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of data) {
    if (key.length > KEY.max || !KEY.pattern.test(key)) throw new Error(`configData: the key ${JSON.stringify(key)} must be 1 to ${KEY.max} ${KEY.patternText}`);
    out[key] = cutText(value, MAX_ATTRIBUTE_CHARS);
  }
  return JSON.stringify({ mode, data: out });
}

/** Reads a configData body as the server receives it. */
export function parseConfigData(body: string | Uint8Array): ConfigData {
  const reader = new Reader(RESOURCE, parseBoundedJson(RESOURCE, body, MAX_CONFIG_DATA_BYTES));
  const data = reader.object('data');
  const entries = data.entries();
  if (entries.length === 0) throw reader.fail('data', 'must hold at least one attribute');
  if (entries.length > MAX_ATTRIBUTES) throw reader.fail('data', `has ${entries.length} attributes, more than ${MAX_ATTRIBUTES}`);
  const map = new Map<string, string>();
  for (const [key, value] of entries) {
    data.textItem(key, 'data (a key)', KEY);
    map.set(key, data.textItem(value, `data.${key}`, { max: MAX_ATTRIBUTE_CHARS }));
  }
  return { mode: reader.optionalOneOf('mode', UPDATE_MODE) ?? 'merge', data: map };
}

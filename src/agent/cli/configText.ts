// The text of `tibox config show|set|audit`: settings as KEY=VALUE lines that `config set` takes
// back as they are printed (shell quoting included, as `uci show` does), the typed value of a
// KEY=VALUE argument by its field's kind, and the answers of a commit and of the audit log. Pure:
// the fields come from the agent's own schema description, so the CLI knows no field by name.
import type { PendingSummary } from '../pending/pendingChange.ts';
import type { AuditEntry, FieldDescription } from '../store/index.ts';
import { UsageError } from './command.ts';
import { alignColumns } from './table.ts';

/** A config as JSON data: groups of groups of values. */
export type ConfigData = { readonly [key: string]: unknown };

const TOPIC = ['config', 'set'];

/** The value at a dotted path of the config, or undefined. */
export function valueAt(config: ConfigData, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The fields `selector` names: all for none, a group's for a group ('practice'), one for a field's
 * path ('practice.bsnr'). Unknown: a UsageError listing the groups.
 */
export function selectFields(fields: readonly FieldDescription[], selector: string | undefined): FieldDescription[] {
  if (selector === undefined) return [...fields];
  const exact = fields.filter((f) => f.path === selector);
  if (exact.length > 0) return exact;
  const group = fields.filter((f) => f.path.startsWith(`${selector}.`));
  if (group.length > 0) return group;
  throw new UsageError(`no setting or group '${selector}'; the groups are ${groupsOf(fields).join(', ')}`, ['config', 'show']);
}

function groupsOf(fields: readonly FieldDescription[]): string[] {
  return [...new Set(fields.map((f) => f.path.split('.')[0] as string))];
}

/** One KEY=VALUE line a field, in schema order; the value as `config set` takes it, quoted for a shell. */
export function formatSettings(config: ConfigData, fields: readonly FieldDescription[]): string {
  return fields.map((f) => `${f.path}=${shellQuote(valueText(valueAt(config, f.path)))}\n`).join('');
}

/** A value as typed after KEY=: text as it is, a list's entries joined by commas (as JSON when an entry holds one). */
export function valueText(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    const plain = value.every((item) => typeof item !== 'string' || (!item.includes(',') && item.trim() === item && item !== '')) && !items[0]?.startsWith('[');
    return plain ? items.join(',') : JSON.stringify(value);
  }
  // JSON.stringify gives undefined for a value that is not there.
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Quoted for a POSIX shell where the text holds anything but safe characters (an empty text too). */
export function shellQuote(text: string): string {
  return /^[\w@%+:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * `KEY=VALUE ...` as a change for `config.commit`: each key a known field, given once, each value
 * typed by the field's kind (a boolean, a whole number, a list, else text). What the kind itself
 * allows (lengths, patterns, ranges) is the agent's to judge, in its own words.
 */
export function parseAssignments(args: readonly string[], fields: readonly FieldDescription[]): ConfigData {
  if (args.length === 0) throw new UsageError('config set needs at least one KEY=VALUE', TOPIC);
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const change: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals < 1) throw new UsageError(`'${arg}' is not KEY=VALUE, e.g. practice.bsnr=021234500`, TOPIC);
    const key = arg.slice(0, equals);
    const field = byPath.get(key);
    if (!field) throw new UsageError(unknownKey(key, fields), TOPIC);
    if (seen.has(key)) throw new UsageError(`${key} is given twice`, TOPIC);
    seen.add(key);
    setAt(change, key, typedValue(field, arg.slice(equals + 1)));
  }
  return change;
}

function unknownKey(key: string, fields: readonly FieldDescription[]): string {
  const inGroup = fields.filter((f) => f.path.startsWith(`${key}.`));
  if (inGroup.length > 0) return `${key} is a group; set its settings one by one: ${inGroup.map((f) => f.path).join(', ')}`;
  const group = key.split('.')[0] ?? '';
  const siblings = fields.filter((f) => f.path.startsWith(`${group}.`)).map((f) => f.path);
  if (siblings.length > 0) return `no setting '${key}'; the group ${group} has ${siblings.join(', ')}`;
  return `no setting '${key}'; the groups are ${groupsOf(fields).join(', ')} ('tibox config show' lists every setting)`;
}

// Paths come from the schema's description (known, dotted, no '__proto__'), never from input alone.
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    if (!Object.hasOwn(node, key)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

function typedValue(field: FieldDescription, text: string): unknown {
  if (field.type !== 'list') return scalar(field.path, field.type, text);
  const itemType = (field.constraints.of as { type?: string } | undefined)?.type ?? 'string';
  if (text.trim() === '') return [];
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`${field.path}: '${text}' is not a JSON list; give the entries separated by commas, or a JSON list such as ["a","b"]`, TOPIC);
    }
    return parsed;
  }
  return text.split(',').map((item) => scalar(field.path, itemType, item.trim()));
}

function scalar(path: string, type: string, text: string): unknown {
  if (type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new UsageError(`${path} must be true or false, got '${text}'`, TOPIC);
  }
  if (type === 'integer') {
    if (/^-?\d+$/.test(text)) return Number(text);
    throw new UsageError(`${path} must be a whole number, got '${text}'`, TOPIC);
  }
  return text;
}

/** What `config.commit` answers. */
export interface CommitAnswer {
  revision: number;
  changes: AuditEntry[];
  pending?: PendingSummary;
}

/** The commit's answer: its revision and each change, and for a network change how to keep it. */
export function formatCommit(answer: CommitAnswer): string {
  const { revision, changes, pending } = answer;
  const lines =
    changes.length === 0
      ? [`Nothing changed (revision ${revision}).`]
      : [`Committed revision ${revision}:`, ...changes.map((c) => `  ${c.path}: ${shellQuote(valueText(c.old))} -> ${shellQuote(valueText(c.new))}`)];
  if (pending) {
    lines.push(`Pending until ${pending.deadline}: rolled back by itself unless confirmed in time with: tibox config confirm ${pending.revision}`);
  }
  return lines.join('\n') + '\n';
}

/** The audit log, newest first, as a table. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'No configuration changes recorded.\n';
  const rows = entries.map((e) => [e.at, String(e.revision), e.actor, e.path, shellQuote(valueText(e.old)), shellQuote(valueText(e.new))]);
  return alignColumns([['TIME', 'REVISION', 'ACTOR', 'SETTING', 'OLD', 'NEW'], ...rows]).join('\n') + '\n';
}

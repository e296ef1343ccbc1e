// The text pieces of the tibox table. Every quote in the ruleset is written here: rule comments
// are tibox's own words (checked to hold nothing that could end the string), a host's name is
// made safe before it becomes a set element's comment, and interface names arrive validated.

/** A rule: what it matches and does, and why it exists (becomes its comment). */
export interface Rule {
  readonly match: string;
  readonly why: string;
}

export function rule(match: string, why: string): Rule {
  return { match, why };
}

/** nft keeps at most 128 bytes of a comment. */
const COMMENT_BYTES = 128;

/** `comment "tibox: why"`; a why that could break the string is a bug in tibox, never input. */
export function comment(why: string): string {
  const text = `tibox: ${why}`;
  if (/["\\\p{C}]/u.test(text) || Buffer.byteLength(text) > COMMENT_BYTES) throw new Error(`unusable rule comment: ${JSON.stringify(text)}`);
  return `comment "${text}"`;
}

/**
 * A name from outside (a registered device's) as a comment: quotes and backslashes become
 * apostrophes and slashes, control characters are dropped, and it is cut to nft's 128 bytes.
 */
export function nameComment(name: string): string {
  const clean = name.replace(/\p{C}/gu, '').replaceAll('"', "'").replaceAll('\\', '/');
  if (Buffer.byteLength(clean) <= COMMENT_BYTES) return `comment "${clean}"`;
  let text = '';
  for (const char of clean) {
    if (Buffer.byteLength(text + char) > COMMENT_BYTES) break;
    text += char;
  }
  return `comment "${text}"`;
}

/**
 * How every ruleset opens after its comment line: the table is declared (so the delete cannot
 * fail on a box without it), deleted and defined again, so one `nft -f` replaces it whole.
 */
export function replaceTable(table: string): string {
  return `table ${table}\ndelete table ${table}\ntable ${table} {\n`;
}

/** An interface name in a match; names are validated to letters, digits, '.', '_' and '-'. */
export function quoted(name: string): string {
  return `"${name}"`;
}

/** `iifname "a"`, or `iifname { "a", "b" }` for several. */
export function iifname(names: readonly string[]): string {
  return names.length === 1 ? `iifname ${quoted(names[0] ?? '')}` : `iifname { ${names.map(quoted).join(', ')} }`;
}

/** `oifname "a"`, or `oifname { "a", "b" }` for several. */
export function oifname(names: readonly string[]): string {
  return iifname(names).replace(/^iifname/, 'oifname');
}

export function renderChain(name: string, hook: string | undefined, rules: readonly Rule[]): string {
  const lines = [`  chain ${name} {`];
  if (hook) lines.push(`    ${hook}`);
  for (const r of rules) lines.push(`    ${r.match} ${comment(r.why)}`);
  lines.push('  }');
  return lines.join('\n') + '\n';
}

export interface SetSpec {
  /** A map's elements point somewhere (`key : value`); a set's are keys alone. */
  readonly kind?: 'set' | 'map';
  readonly name: string;
  /** The declaration line, e.g. `type ipv4_addr; flags interval; auto-merge;`. */
  readonly declaration: string;
  readonly why: string;
  /** Elements as nft writes them, in a stable order, one per line. */
  readonly elements: readonly string[];
}

export function renderSet(set: SetSpec): string {
  const lines = [`  ${set.kind ?? 'set'} ${set.name} {`, `    ${set.declaration}`, `    ${comment(set.why)}`];
  if (set.elements.length > 0) lines.push('    elements = {', ...set.elements.map((element) => `      ${element},`), '    }');
  lines.push('  }');
  return lines.join('\n') + '\n';
}

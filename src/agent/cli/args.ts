// Splits a command line into the command (matched by its words, longest first; a group's word
// alone names the group's default command), its options and its positionals. Global options may
// stand anywhere on the line. A wrong line becomes a UsageError in our words: node:util's strict
// parser would explain itself in terms of its own API.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { DEFAULT_CONTROL_SOCKET } from '../../control/socketPath.ts';
import { UsageError, type Command, type CommandGroup, type OptionSpec, type OptionSpecs } from './command.ts';

export const GLOBAL_OPTIONS = {
  socket: { type: 'string', value: 'PATH', description: `The agent's control socket (else $TIBOX_SOCKET, else ${DEFAULT_CONTROL_SOCKET})` },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
} as const satisfies OptionSpecs;

export interface ParsedLine {
  /** Undefined for an empty line or a line with only global options. */
  command: Command | undefined;
  /** Set when the line named a group by its word alone (then `command` is its default). */
  group: CommandGroup | undefined;
  socket: string | undefined;
  help: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface CommandTable {
  commands: readonly Command[];
  groups: readonly CommandGroup[];
}

export function parseLine(argv: readonly string[], table: CommandTable): ParsedLine {
  // A lenient first pass finds the command's words; the second pass then knows its options.
  const { command, group } = findCommand(commandWords(argv, table), table);
  const specs: OptionSpecs = { ...GLOBAL_OPTIONS, ...command?.options };
  const parsed = parseArgs({ args: [...argv], options: forParseArgs(specs), strict: false, allowPositionals: true, tokens: true });
  const { socket, help, ...values } = parsed.values;
  const topic = group ? [group.word] : (command?.words ?? []);
  // Asking for help is never wrong, whatever else is on the line.
  if (help === true) return { command, group, socket: undefined, help: true, values: {}, positionals: [] };
  for (const token of parsed.tokens) {
    if (token.kind === 'option') checkOption(token.name, token.rawName, token.value, token.inlineValue, specs, topic);
  }
  const positionals = parsed.positionals.slice(group ? 1 : (command?.words.length ?? 0));
  if (command && positionals.length > command.maxPositionals) {
    throw new UsageError(`too many arguments for '${command.words.join(' ')}': ${positionals.join(' ')}`, command.words);
  }
  return { command, group, socket: socket as string | undefined, help: false, values: values as ParsedLine['values'], positionals };
}

/** The words that name the command, read leniently: a group's default may take options with values (`tibox protocol --id 3`). */
function commandWords(argv: readonly string[], { commands, groups }: CommandTable): string[] {
  const loose = (specs: OptionSpecs) => parseArgs({ args: [...argv], options: forParseArgs(specs), strict: false, allowPositionals: true }).positionals;
  const words = loose(GLOBAL_OPTIONS);
  const group = groups.find((g) => g.word === words[0]);
  const named = commands.some((c) => c.words.length > 1 && c.words[0] === words[0] && c.words[1] === words[1]);
  return group && !named ? loose({ ...GLOBAL_OPTIONS, ...group.default.options }) : words;
}

/** The command named by the first words; also what `tibox help WORDS` looks up. */
export function findCommand(words: readonly string[], { commands, groups }: CommandTable): { command: Command | undefined; group: CommandGroup | undefined } {
  const command = commands.filter((c) => c.words.every((w, i) => words[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
  if (command) return { command, group: undefined };
  if (words.length === 0) return { command: undefined, group: undefined };
  const group = groups.find((g) => g.word === words[0]);
  if (group && words.length === 1) return { command: group.default, group };
  throw new UsageError(`unknown command '${words.join(' ')}'`, group ? [group.word] : []);
}

function checkOption(name: string, rawName: string, value: string | undefined, inline: boolean | undefined, specs: OptionSpecs, topic: readonly string[]): void {
  const spec: OptionSpec | undefined = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (!spec) throw new UsageError(`unknown option '${rawName}'${topic.length > 0 ? ` for '${topic.join(' ')}'` : ''}`, topic);
  if (spec.type === 'boolean' && value !== undefined) throw new UsageError(`option '${rawName}' takes no value`, topic);
  // As node's strict mode: a following word that looks like an option is not taken as the value.
  const missing = value === undefined || (!inline && value.length > 1 && value.startsWith('-'));
  if (spec.type === 'string' && missing) throw new UsageError(`option '${rawName}' needs a value (${spec.value})`, topic);
}

function forParseArgs(specs: OptionSpecs): ParseArgsOptionsConfig {
  return Object.fromEntries(Object.entries(specs).map(([name, { type, short }]) => [name, short === undefined ? { type } : { type, short }]));
}

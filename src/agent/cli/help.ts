// The help texts, made from the command table: an overview (`tibox --help`), a group's
// (`tibox devices --help`) and a command's own (`tibox profile import --help`: usage, options,
// an example). Every line fits in 100 terminal columns; longer descriptions wrap under themselves.
import { GLOBAL_OPTIONS, type CommandTable } from './args.ts';
import type { Command, CommandGroup, OptionSpec, OptionSpecs } from './command.ts';
import { columns, padColumns } from './textWidth.ts';

export const HELP_WIDTH = 100;

const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ['TIBOX_SOCKET', "The agent's control socket when --socket is not given"],
  ['TIBOX_LANG=de', 'German text for health warnings and labels (default English)'],
];

export function overviewHelp(table: CommandTable): string {
  const [first] = table.groups;
  return text([
    'Usage: tibox [--socket PATH] COMMAND [ARGUMENTS] [OPTIONS]',
    '',
    'Commands:',
    ...definitions(table.commands.map((c) => [nameInList(c, table), c.summary])),
    '',
    'Options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Environment:',
    ...definitions(ENVIRONMENT),
    '',
    ...(first ? wrap('', `A word in brackets may be left out: 'tibox ${first.word}' runs 'tibox ${first.default.words.join(' ')}'.`) : []),
    "Run 'tibox COMMAND --help' for a command's options and an example.",
  ]);
}

export function groupHelp(group: CommandGroup, table: CommandTable): string {
  const members = table.commands.filter((c) => c.words[0] === group.word);
  return text([
    `Usage: tibox ${group.word} [COMMAND] [ARGUMENTS] [OPTIONS]`,
    '',
    ...wrap('', `${group.summary}.`),
    ...wrap('', `'tibox ${group.word}' alone runs 'tibox ${group.default.words.join(' ')}'.`),
    '',
    'Commands:',
    ...definitions(members.map((c) => [c.words.slice(1).join(' '), c.summary])),
    '',
    ...wrap('', `Run 'tibox ${group.word} COMMAND --help' for a command's options and an example.`),
  ]);
}

export function commandHelp(command: Command, table: CommandTable): string {
  const group = table.groups.find((g) => g.default === command);
  return text([
    ...wrap(`Usage: tibox ${command.words.join(' ')} `, command.synopsis),
    '',
    ...wrap('', `${command.summary}.`),
    ...(group ? [`'tibox ${group.word}' alone runs this command.`] : []),
    '',
    'Options:',
    ...optionLines({ ...command.options, ...GLOBAL_OPTIONS }),
    '',
    'Example:',
    ...commandLines(['tibox', ...command.example]),
  ]);
}

/** The command as the overview lists it; a group's default with its own word in brackets. */
function nameInList(command: Command, { groups }: CommandTable): string {
  const isDefault = groups.some((g) => g.default === command);
  return isDefault ? `${command.words[0]} [${command.words.slice(1).join(' ')}]` : command.words.join(' ');
}

function optionLines(specs: OptionSpecs): string[] {
  return definitions(Object.entries(specs).map(([name, spec]) => [optionTerm(name, spec), spec.description]));
}

function optionTerm(name: string, spec: OptionSpec): string {
  return `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
}

/** Terms and their descriptions in two columns, the descriptions wrapped under themselves. */
function definitions(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([term]) => columns(term)));
  return rows.flatMap(([term, description]) => wrap(`  ${padColumns(term, width)}  `, description));
}

/** `words` after `prefix`, broken at blanks into lines of HELP_WIDTH columns, continued under the first word. */
function wrap(prefix: string, words: string): string[] {
  const indent = ' '.repeat(columns(prefix));
  const lines: string[] = [];
  let line = prefix;
  for (const word of words.split(' ')) {
    const fresh = line === prefix || line === indent;
    if (!fresh && columns(line) + 1 + columns(word) > HELP_WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (fresh ? '' : ' ') + word;
    }
  }
  return [...lines, line.trimEnd()];
}

/** A command line as typed into a shell, continued with a backslash where it would not fit. */
function commandLines(argv: readonly string[]): string[] {
  const lines: string[] = [];
  let line = '  ';
  for (const word of argv.map(shellWord)) {
    // Two columns kept free for the ' \' that continues the line.
    if (line.trim() !== '' && columns(line) + 1 + columns(word) > HELP_WIDTH - 2) {
      lines.push(`${line} \\`);
      line = `    ${word}`;
    } else {
      line += (line.trim() === '' ? '' : ' ') + word;
    }
  }
  return [...lines, line];
}

/** An argument as it is typed into a shell: quoted when it holds anything but safe characters. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function text(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}

// Splits a command line into the command (matched by its words, longest first), its options and
// its positionals. Global options may stand anywhere on the line.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { Command } from './command.ts';

export const GLOBAL_OPTIONS = {
  socket: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

/** A wrong command line; main() prints it with a pointer to the help and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedLine {
  /** Undefined for an empty line or a line with only global options. */
  command: Command | undefined;
  socket: string | undefined;
  help: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseLine(argv: readonly string[], commands: readonly Command[]): ParsedLine {
  // A lenient first pass finds the command's words; the strict second pass then knows its options.
  const loose = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  const command = findCommand(loose.positionals, commands);
  if (!command && loose.positionals.length > 0) throw new UsageError(`unknown command "${loose.positionals.join(' ')}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...command?.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { socket, help, ...values } = parsed.values;
  const positionals = parsed.positionals.slice(command?.words.length ?? 0);
  if (command && !help && positionals.length > command.maxPositionals) {
    throw new UsageError(`too many arguments for "${command.words.join(' ')}": ${positionals.join(' ')}`);
  }
  return { command, socket, help: help ?? false, values, positionals };
}

function findCommand(words: readonly string[], commands: readonly Command[]): Command | undefined {
  const matches = commands.filter((c) => c.words.every((w, i) => words[i] === w));
  return matches.sort((a, b) => b.words.length - a.words.length)[0];
}

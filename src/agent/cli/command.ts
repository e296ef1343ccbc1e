// What a CLI command is and what it gets to work with. Commands live in the table in
// commands.ts; one with logic of its own has its own file. The help (help.ts) is made from these
// declarations, so each option carries its description and each command an example.
import type { ControlClient } from '../../control/client.ts';
import type { AgentStatus } from '../status.ts';

export const EXIT_OK = 0;
/** The command failed: the agent is not running, or it answered with an error. */
export const EXIT_ERROR = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
/** The function test ran and a check failed (`tibox check`). */
export const EXIT_CHECK_FAILED = 3;
/** Ctrl-C at a prompt: 128 + SIGINT, what a shell reports for a command Ctrl-C ended. */
export const EXIT_INTERRUPTED = 130;

export type Lang = 'de' | 'en';

/** The process around the CLI, injected so tests run main() in-process. */
export interface CliIo {
  /** Bytes too, for a file sent to stdout (`tibox protocol > file.pdf`). */
  stdout: (text: string | Uint8Array) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  /** Asks for a secret without echo; absent when stdin is not a terminal (nobody to ask). */
  promptSecret?: (prompt: string) => Promise<string>;
}

export interface CommandContext {
  io: CliIo;
  lang: Lang;
  /** The command's own options, parsed. */
  values: Record<string, string | boolean | undefined>;
  /** Words after the command's name. */
  positionals: string[];
  /** A client for the control socket chosen by --socket, TIBOX_SOCKET or the default. */
  client: () => ControlClient<AgentStatus>;
}

/** One option of a command; the help lists each with its description (a capital, no full stop). */
export type OptionSpec =
  | { type: 'boolean'; short?: string; description: string }
  /** `value` is what the help calls the value, e.g. 'FILE' in `--password-file FILE`. */
  | { type: 'string'; short?: string; value: string; description: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export const JSON_OPTION = { json: { type: 'boolean', description: 'Print the answer as JSON, for scripts' } } as const satisfies OptionSpecs;

/** A wrong command line, found by the parser or by a command; main() exits 2 with a pointer to the help. */
export class UsageError extends Error {
  /** The words of the help to point to; a command's own when a command throws it. */
  readonly topic: readonly string[] | undefined;

  constructor(message: string, topic?: readonly string[]) {
    super(message);
    this.name = 'UsageError';
    this.topic = topic;
  }
}

export interface Command {
  /** The words that name it: ['status'], ['tunnel', 'up']. */
  words: readonly string[];
  /** Arguments as the usage line shows them, e.g. '[--json]' or 'FILE [--password-file F]'. */
  synopsis: string;
  summary: string;
  options: OptionSpecs;
  /** Most positionals the command takes after its name. */
  maxPositionals: number;
  /** A command line that works as given (without `tibox`), shown at the end of the help. */
  example: readonly string[];
  run: (context: CommandContext) => Promise<number>;
}

/** Commands that share their first word; the word alone runs `default`, as `ip link` runs `ip link show`. */
export interface CommandGroup {
  word: string;
  summary: string;
  default: Command;
}

// What a CLI command is and what it gets to work with. Commands live in the table in
// commands.ts; one with logic of its own has its own file.
import type { ParseArgsOptionsConfig } from 'node:util';
import type { ControlClient } from '../../control/client.ts';
import type { AgentStatus } from '../status.ts';

export const EXIT_OK = 0;
/** The command failed: the agent is not running, or it answered with an error. */
export const EXIT_ERROR = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
/** Ctrl-C at a prompt: 128 + SIGINT, what a shell reports for a command Ctrl-C ended. */
export const EXIT_INTERRUPTED = 130;

export type Lang = 'de' | 'en';

/** The process around the CLI, injected so tests run main() in-process. */
export interface CliIo {
  stdout: (text: string) => void;
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

export interface Command {
  /** The words that name it: ['status'], later ['tunnel', 'up']. */
  words: readonly string[];
  /** Arguments as shown in the help, e.g. '[--json]' or '<file>'. */
  synopsis: string;
  summary: string;
  options: ParseArgsOptionsConfig;
  /** Most positionals the command takes after its name. */
  maxPositionals: number;
  run: (context: CommandContext) => Promise<number>;
}

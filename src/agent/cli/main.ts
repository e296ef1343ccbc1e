// The `tibox` command line (bin/tibox runs this file). main() takes the arguments and the process
// around it as parameters and returns the exit code, so tests run it in-process.
import { ControlApiError, ControlClient } from '../../control/client.ts';
import { DEFAULT_CONTROL_SOCKET } from '../../control/socketPath.ts';
import { TiboxError } from '../../core/index.ts';
import type { AgentStatus } from '../status.ts';
import { parseLine } from './args.ts';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type Lang } from './command.ts';
import { helpText, TABLE } from './commands.ts';
import { promptSecret, PromptInterrupted } from './secretPrompt.ts';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let line;
  try {
    line = parseLine(argv, TABLE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailed(io, error, []);
  }
  if (line.help) {
    io.stdout(helpText(line));
    return EXIT_OK;
  }
  const command = line.command;
  if (!command) {
    io.stderr(helpText(line));
    return EXIT_USAGE;
  }
  const socketPath = line.socket ?? io.env.TIBOX_SOCKET ?? DEFAULT_CONTROL_SOCKET;
  try {
    return await command.run({
      io,
      lang: langOf(io.env),
      values: line.values,
      positionals: line.positionals,
      client: () => new ControlClient<AgentStatus>(socketPath),
    });
  } catch (error) {
    if (error instanceof UsageError) return usageFailed(io, error, command.words);
    // Ctrl-C at a prompt was the user's own choice: nothing to report.
    if (error instanceof PromptInterrupted) return EXIT_INTERRUPTED;
    // Expected failures are one line for people; anything else also shows its stack.
    const known = error instanceof TiboxError || error instanceof ControlApiError;
    io.stderr(`tibox: ${known ? error.message : String((error as Error).stack ?? error)}\n`);
    return EXIT_ERROR;
  }
}

/** One line, and where the help is: the one for what the error is about, else the command's. */
function usageFailed(io: CliIo, error: UsageError, commandWords: readonly string[]): number {
  const help = ['tibox', ...(error.topic ?? commandWords), '--help'].join(' ');
  io.stderr(`tibox: ${error.message}; see '${help}'\n`);
  return EXIT_USAGE;
}

function langOf(env: CliIo['env']): Lang {
  return env.TIBOX_LANG?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    ...(process.stdin.isTTY ? { promptSecret } : {}),
  });
}

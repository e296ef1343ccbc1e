// The entry point of the single executable (image/executables.ts builds it): one binary for the
// agent and the CLI, as one Node runtime is most of its size. `tibox agent [options]` runs the
// agent, `tibox --version` names the firmware version and commit, anything else is the CLI.
import { main } from './cli/main.ts';
import { promptSecret } from './cli/secretPrompt.ts';
import { readCommandLine } from './options.ts';
import { runAgent } from './run.ts';
import { readBuildInfo } from './version.ts';

async function start(args: readonly string[]): Promise<void> {
  if (args[0] === 'agent') {
    await runAgent(readCommandLine(args.slice(1), process.env));
    return;
  }
  if (args.length === 1 && args[0] === '--version') {
    const build = readBuildInfo();
    process.stdout.write(`tibox ${build.version}${build.commit ? ` (commit ${build.commit})` : ''}\n`);
    return;
  }
  process.exitCode = await main(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    ...(process.stdin.isTTY ? { promptSecret } : {}),
  });
}

void start(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`tibox: ${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});

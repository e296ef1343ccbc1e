// The entry point of the single executable (image/executables.ts builds it): one binary for the
// agent, the boot unit's restore, the web UI and the CLI, as one Node runtime is most of its size.
// `tibox agent [options]` runs the agent, `tibox boot [options]` restores the fail-closed state
// at boot, `tibox webui [options]` runs the web UI (and `tibox webui-password-check` its password
// check, a process of its own per check), `tibox rauc-pre-install RUN_DIR` is RAUC's pre-install
// handler (src/updater/rauc/preInstallHandler.ts), `tibox --version` names the firmware version
// and commit, anything else is the CLI. Each part is imported only when it runs, so the agent
// never loads the web UI's modules and the web UI never the agent's.
import { readBuildInfo } from './version.ts';

async function start(args: readonly string[]): Promise<void> {
  if (args[0] === 'agent') {
    const [{ readCommandLine }, { runAgent }] = await Promise.all([import('./options.ts'), import('./run.ts')]);
    await runAgent(readCommandLine(args.slice(1), process.env));
    return;
  }
  if (args[0] === 'boot') {
    const { restoreAtBoot } = await import('./bootRestore.ts');
    await restoreAtBoot(args.slice(1));
    return;
  }
  if (args[0] === 'webui') {
    const { runWebUi } = await import('../webui/index.ts');
    await runWebUi(args.slice(1));
    return;
  }
  if (args.length === 1 && args[0] === 'webui-password-check') {
    const { printStrengthOfStdin } = await import('../webui/auth/strengthCheck.ts');
    await printStrengthOfStdin();
    return;
  }
  if (args.length === 2 && args[0] === 'rauc-pre-install') {
    const { runPreInstall } = await import('../updater/rauc/preInstallHandler.ts');
    process.exitCode = await runPreInstall(args.slice(1), process.env, (text) => process.stderr.write(text));
    return;
  }
  if (args.length === 1 && args[0] === '--version') {
    const build = readBuildInfo();
    process.stdout.write(`tibox ${build.version}${build.commit ? ` (commit ${build.commit})` : ''}\n`);
    return;
  }
  const [{ main }, { promptSecret }] = await Promise.all([import('./cli/main.ts'), import('./cli/secretPrompt.ts')]);
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

// The agent proper (main.ts loads it): builds the agent from the command line and runs it until
// SIGTERM or SIGINT, then stops it cleanly. On the box systemd starts it (Type=notify,
// Restart=always); in the lab the lab starts it inside the box namespace.
import { existsSync, mkdirSync } from 'node:fs';
import { Agent } from './agent.ts';
import { createLogger, processRunner } from '../core/index.ts';
import type { AgentCommandLine } from './options.ts';
import { readVersion } from './version.ts';

export async function runAgent(commandLine: AgentCommandLine): Promise<void> {
  const log = createLogger();
  mkdirSync(commandLine.dataDir, { recursive: true, mode: 0o700 });
  const agent = new Agent({
    version: readVersion(),
    dataDir: commandLine.dataDir,
    socketPath: commandLine.socket,
    webuiSocketPath: commandLine.webuiSocket,
    webuiUser: commandLine.webuiUser,
    webuiCertificate: commandLine.webuiCertificate,
    charonVici: commandLine.charonVici,
    profileTrustAnchor: commandLine.profileTrustAnchor,
    runDir: commandLine.runDir,
    ...(commandLine.chronySocket ? { chronySocket: commandLine.chronySocket } : {}),
    // A machine without RAUC (development, CI) keeps downloads downloaded.
    ...(existsSync(commandLine.raucConf)
      ? {
          systemUpdates: {
            ...(commandLine.rebootCommand ? { rebootCommand: [commandLine.rebootCommand] } : {}),
            ...(commandLine.healthCommitSeconds ? { commitDeadlineMs: commandLine.healthCommitSeconds * 1000 } : {}),
          },
        }
      : {}),
    log,
    runner: processRunner,
    env: process.env,
  });
  const abort = new AbortController();

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    abort.abort();
    await agent.stop();
    process.exit(0);
  }
  const onSignal = (signal: string) =>
    void shutdown(signal).catch((error: unknown) => {
      log.fatal({ err: error }, 'agent failed to stop');
      process.exit(1);
    });
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  try {
    await agent.start(abort.signal);
  } catch (error) {
    log.fatal({ err: error }, 'agent failed to start');
    process.exit(1);
  }
}

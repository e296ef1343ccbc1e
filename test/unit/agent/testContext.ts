// The agent's context as the unit tests of its bus and health need it: nothing on disk, no
// command to run, a quiet logger and a fixed clock.
import { agentContext, type AgentContext } from '../../../src/agent/wiring/context.ts';
import { createLogger } from '../../../src/core/log.ts';

export function testAgentContext(now: Date): AgentContext {
  return agentContext({
    version: '0.1.0-test',
    dataDir: '/nonexistent/data',
    socketPath: '/nonexistent/control.sock',
    charonVici: '/nonexistent/charon.vici',
    profileTrustAnchor: '/nonexistent/anchor.pem',
    log: createLogger({ level: 'silent' }),
    runner: { run: () => Promise.reject(new Error('no command expected')) },
    env: {},
    now: () => now,
  });
}

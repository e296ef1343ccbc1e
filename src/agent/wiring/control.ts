// The control socket: the named actions every subsystem registered, and the agent's status.
import { ControlServer } from '../../control/server.ts';
import type { AgentStatus } from '../status.ts';
import type { AgentContext } from './context.ts';

export function wireControl(ctx: AgentContext, status: () => AgentStatus): ControlServer {
  const { options } = ctx;
  return new ControlServer(
    {
      socketPath: options.socketPath,
      status,
      actions: ctx.actions,
      log: ctx.logFor('control'),
      ...(options.groupFile ? { groupFile: options.groupFile } : {}),
    },
    ctx.now,
  );
}

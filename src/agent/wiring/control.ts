// The control sockets: the named actions every subsystem registered, and the agent's status, on
// the administrators' socket (audited as local-cli) and on the web UI's own socket (audited as the
// web UI user each request names).
import { ControlServer } from '../../control/server.ts';
import { DEFAULT_WEBUI_USER, webuiSocketBeside } from '../../control/socketPath.ts';
import type { AgentStatus } from '../status.ts';
import type { AgentContext } from './context.ts';

export function wireControl(ctx: AgentContext, status: () => AgentStatus): { control: ControlServer; webuiControl: ControlServer } {
  const { options } = ctx;
  const common = { status, actions: ctx.actions, log: ctx.logFor('control') };
  const control = new ControlServer(
    { ...common, socketPath: options.socketPath, ...(options.groupFile ? { groupFile: options.groupFile } : {}) },
    ctx.now,
  );
  const webuiControl = new ControlServer(
    {
      ...common,
      socketPath: options.webuiSocketPath ?? webuiSocketBeside(options.socketPath),
      webui: { user: options.webuiUser ?? DEFAULT_WEBUI_USER, ...(options.passwdFile ? { passwdFile: options.passwdFile } : {}) },
    },
    ctx.now,
  );
  return { control, webuiControl };
}

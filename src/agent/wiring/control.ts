// The control sockets: the named actions every subsystem registered, and the agent's status, on
// the administrators' socket (audited as local-cli) and on the web UI's own socket (audited as the
// web UI user each request names). Both stream the agent's changes, which the web UI follows for
// its live view, and the files too large for an action's answer (the security log).
import type { Downloads, Subscribe } from '../../control/handler.ts';
import { ControlServer } from '../../control/server.ts';
import { DEFAULT_WEBUI_USER, webuiSocketBeside } from '../../control/socketPath.ts';
import type { AgentStatus } from '../status.ts';
import type { AgentContext } from './context.ts';

export function wireControl(ctx: AgentContext, status: () => AgentStatus, downloads: Downloads = new Map()): { control: ControlServer; webuiControl: ControlServer } {
  const { options } = ctx;
  const common = { status, actions: ctx.actions, log: ctx.logFor('control'), changes: changesOn(ctx), downloads };
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

/** The bus's events that change what the status or the device list shows, as the stream names them. */
export function changesOn(ctx: AgentContext): Subscribe {
  return (listener) => {
    const owner = {};
    ctx.bus.on(owner, 'tunnel.event', () => listener('tunnel'));
    ctx.bus.on(owner, 'health.changed', () => listener('health'));
    ctx.bus.on(owner, 'config.changed', () => listener('config'));
    ctx.bus.on(owner, 'devices.changed', () => listener('devices'));
    ctx.bus.on(owner, 'check.finished', () => listener('check'));
    ctx.bus.on(owner, 'system.reset', () => listener('reset'));
    return () => ctx.bus.off(owner);
  };
}

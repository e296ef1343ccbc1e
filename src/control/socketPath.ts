// Where the agent's control sockets live unless told otherwise. Filesystem paths (not abstract
// sockets) so that the CLI and the web UI on the host reach an agent that runs inside a network
// namespace. The agent, the CLI and the web UI take the defaults from here.
import { dirname, join } from 'node:path';

/** The administrators' socket, the CLI's. */
export const DEFAULT_CONTROL_SOCKET = '/run/tibox/control.sock';

/** The web UI's own socket sits beside the administrators' one unless told otherwise. */
export function webuiSocketBeside(controlSocket: string): string {
  return join(dirname(controlSocket), 'webui.sock');
}

/** The user the web UI process runs as, the only one besides root who may open its socket. */
export const DEFAULT_WEBUI_USER = 'tibox-web';

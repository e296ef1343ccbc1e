// Where the agent's control socket lives unless told otherwise. A filesystem path (not an
// abstract socket) so that the CLI on the host reaches an agent that runs inside a network
// namespace. The agent and the CLI both take the default from here.
export const DEFAULT_CONTROL_SOCKET = '/run/tibox/control.sock';

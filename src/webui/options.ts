// The web UI's command line, read once by main.ts.
import { parseArgs } from 'node:util';
import { DEFAULT_CONTROL_SOCKET, webuiSocketBeside } from '../control/socketPath.ts';

/** The web UI's own data: its device certificate and key. Owned by its user. */
export const DEFAULT_WEBUI_STATE_DIR = '/var/lib/tibox-web';

export interface WebUiCommandLine {
  /** The agent's socket for the web UI. */
  agentSocket: string;
  stateDir: string;
  listen: string;
  httpsPort: number;
  /** Plain HTTP that redirects; undefined for none (`--http-port off`). */
  httpPort: number | undefined;
}

export function readWebUiCommandLine(args: readonly string[]): WebUiCommandLine {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'agent-socket': { type: 'string', default: webuiSocketBeside(DEFAULT_CONTROL_SOCKET) },
      'state-dir': { type: 'string', default: DEFAULT_WEBUI_STATE_DIR },
      listen: { type: 'string', default: '0.0.0.0' },
      'https-port': { type: 'string', default: '443' },
      'http-port': { type: 'string', default: '80' },
    },
  });
  return {
    agentSocket: values['agent-socket'],
    stateDir: values['state-dir'],
    listen: values.listen,
    httpsPort: port(values['https-port'], '--https-port'),
    httpPort: values['http-port'] === 'off' ? undefined : port(values['http-port'], '--http-port'),
  };
}

function port(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new Error(`${option} must be a port number from 0 to 65535, not "${text}"`);
  return value;
}

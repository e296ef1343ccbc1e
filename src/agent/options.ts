// The agent's command line, read once by main.ts. bin/tibox-agent reads --data-dir, --charon-vici
// and --run-dir too, with the same defaults, for the tunnel resume at boot.
import { parseArgs } from 'node:util';
import { DEFAULT_CONTROL_SOCKET, DEFAULT_WEBUI_USER, webuiSocketBeside } from '../control/socketPath.ts';
import { DEFAULT_WEBUI_CERTIFICATE } from './webuiCertificate.ts';

/** The data partition's directory: the database, the state files, the provisioning file. */
export const DEFAULT_DATA_DIR = '/var/lib/tibox';

export interface AgentCommandLine {
  dataDir: string;
  socket: string;
  /** The web UI's own control socket. */
  webuiSocket: string;
  /** The user the web UI runs as. */
  webuiUser: string;
  /** The web UI's device certificate. */
  webuiCertificate: string;
  charonVici: string;
  profileTrustAnchor: string;
  /** chronyd's command socket; chronyc's default when absent. */
  chronySocket?: string;
  /** Runtime files (dnsmasq's). */
  runDir: string;
  /** RAUC's system.conf: where it exists, the box installs system updates. */
  raucConf: string;
  /** An executable that reboots the box, where `systemctl reboot` does not (the lab's). */
  rebootCommand?: string;
  /** The health commit's bound after booting a new system, in seconds. */
  healthCommitSeconds?: number;
}

/** RAUC's system.conf on the box. */
export const DEFAULT_RAUC_CONF = '/etc/rauc/system.conf';

export function readCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): AgentCommandLine {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      socket: { type: 'string', default: env.TIBOX_SOCKET ?? DEFAULT_CONTROL_SOCKET },
      'webui-socket': { type: 'string' },
      'webui-user': { type: 'string', default: DEFAULT_WEBUI_USER },
      'webui-certificate': { type: 'string', default: DEFAULT_WEBUI_CERTIFICATE },
      'charon-vici': { type: 'string', default: '/var/run/charon.vici' },
      'profile-trust-anchor': { type: 'string', default: '/usr/share/tibox/profile-signing.pem' },
      'chrony-socket': { type: 'string' },
      'run-dir': { type: 'string', default: '/run/tibox' },
      'rauc-conf': { type: 'string', default: DEFAULT_RAUC_CONF },
      'reboot-command': { type: 'string' },
      'health-commit-seconds': { type: 'string' },
    },
  });
  const commitSeconds = values['health-commit-seconds'];
  if (commitSeconds !== undefined && !/^[1-9][0-9]{0,4}$/.test(commitSeconds)) {
    throw new Error(`--health-commit-seconds must be a whole number of seconds from 1 to 99999, not ${JSON.stringify(commitSeconds)}`);
  }
  return {
    dataDir: values['data-dir'],
    socket: values.socket,
    webuiSocket: values['webui-socket'] ?? webuiSocketBeside(values.socket),
    webuiUser: values['webui-user'],
    webuiCertificate: values['webui-certificate'],
    charonVici: values['charon-vici'],
    profileTrustAnchor: values['profile-trust-anchor'],
    runDir: values['run-dir'],
    raucConf: values['rauc-conf'],
    ...(values['reboot-command'] ? { rebootCommand: values['reboot-command'] } : {}),
    ...(commitSeconds !== undefined ? { healthCommitSeconds: Number(commitSeconds) } : {}),
    ...(values['chrony-socket'] ? { chronySocket: values['chrony-socket'] } : {}),
  };
}

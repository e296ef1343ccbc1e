// dnsmasq as its own service: the command line its supervisor runs (the box's systemd unit, the
// lab's supervisor), and how the agent recognises that process. It reads everything else from the
// main config the agent writes; until the agent has written one it exits and is started again.
import { ComponentProcess } from '../../core/index.ts';
import type { DnsmasqFiles } from './files.ts';

export function dnsmasqCommand(files: DnsmasqFiles): [string, ...string[]] {
  return ['dnsmasq', '--keep-in-foreground', `--conf-file=${files.config}`];
}

/** The running dnsmasq of these files: its pid file, and our config on its command line. */
export function dnsmasqComponent(files: DnsmasqFiles): ComponentProcess {
  return new ComponentProcess({ pidFile: files.pid, marker: `--conf-file=${files.config}` });
}

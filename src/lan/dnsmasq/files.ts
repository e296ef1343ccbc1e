// The files of the box's one dnsmasq, all in its run directory. The main config names the
// others; dnsmasq re-reads the DHCP hosts file and the servers file on SIGHUP (dnsmasq(8),
// NOTES), while any change to the main config needs a restart.
import { join } from 'node:path';

export interface DnsmasqFiles {
  /** The main config, passed as --conf-file: never the system's /etc/dnsmasq.conf. */
  readonly config: string;
  /** dhcp-hostsfile: one static lease per registered terminal; re-read on SIGHUP. */
  readonly dhcpHosts: string;
  /** servers-file: where each name is forwarded; re-read on SIGHUP. */
  readonly servers: string;
  readonly pid: string;
  readonly leases: string;
  /** dnsmasq's own log file (log-facility): the agent reads it and rotates it to `rotatedLog`. */
  readonly log: string;
  readonly rotatedLog: string;
}

export function dnsmasqFiles(runDir: string): DnsmasqFiles {
  return {
    config: join(runDir, 'dnsmasq.conf'),
    dhcpHosts: join(runDir, 'dhcp-hosts'),
    servers: join(runDir, 'servers'),
    pid: join(runDir, 'dnsmasq.pid'),
    leases: join(runDir, 'dnsmasq.leases'),
    log: join(runDir, 'dnsmasq.log'),
    rotatedLog: join(runDir, 'dnsmasq.log.1'),
  };
}

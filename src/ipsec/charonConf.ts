// The box's strongswan.conf, rendered from the kernel back end (the image writes it at build
// time; the lab for its box namespace). What the agent relies on:
// - install_routes = no and routing_table = 0: TI routes have one owner, the routes module (with
//   kernel-libipsec the plugin still adds a main-table route per outbound policy into ipsec0,
//   which tibox's rules come before: docs/tunnel.md);
// - IKE retransmissions that start quickly (a lost packet costs half a second, not four; an
//   attempt in flight when the line comes back goes through within a second) but give up only
//   after about a minute: an attempt to a dead gateway is ended by the controller's initiate
//   timeout anyway, while a request the box sends into an outage (a rekey, a MOBIKE address
//   update) must not cost a working SA as long as the outage is short (the controller, not
//   charon, judges liveness: no DPD on the box);
// - every initiate builds a fresh IKE_SA (reuse_ikesa = no), also to a gateway that holds one of
//   ours already (`tunnel restart` with one gateway, a repair after an address change): reused,
//   charon would put the new CHILD_SA into the old IKE_SA and refuse it as a duplicate;
// - kernel-libipsec before kernel-netlink where the kernel has no ESP (the lab); kernel XFRM otherwise;
// - for swanctl, which loads the tunnel saved for boot, only the plugins it needs.

export type KernelBackend = 'libipsec' | 'xfrm';

export interface CharonConfOptions {
  backend: KernelBackend;
  viciSocket: string;
  /** A file log for the lab; the box logs to the journal. */
  logFile?: string;
}

const BASE_PLUGINS = ['random', 'nonce', 'kdf', 'openssl', 'pem', 'pkcs1', 'pkcs8', 'x509', 'revocation', 'constraints', 'pubkey'];

/** What swanctl needs to read PEM keys (RSA, EC, brainpool included) and X.509 certificates. */
const SWANCTL_PLUGINS = ['random', 'openssl', 'pem', 'pkcs1', 'pkcs8', 'x509'];

export function renderCharonConf(o: CharonConfOptions): string {
  const kernel = o.backend === 'libipsec' ? ['kernel-libipsec', 'kernel-netlink'] : ['kernel-netlink'];
  // updown: only the tunnel resumed at boot names a script (resumeSwanctl.ts); the agent's own
  // connections name none, as the routes module installs their routes.
  const plugins = [...BASE_PLUGINS, ...kernel, 'socket-default', 'updown', 'vici'].join(' ');
  const log = o.logFile
    ? `  filelog {
    tibox {
      path = ${o.logFile}
      time_format = %H:%M:%S
      default = 1
      flush_line = yes
    }
  }
`
    : '';
  return `# tibox box: charon driven by the tibox agent over VICI.
charon {
  load = ${plugins}
  install_routes = no
  routing_table = 0
  retransmit_timeout = 0.5
  retransmit_base = 1.4
  retransmit_tries = 12
  retransmit_limit = 15
  make_before_break = yes
  reuse_ikesa = no
  plugins {
    vici { socket = unix://${o.viciSocket} }
  }
  journal { default = ${o.logFile ? -1 : 1} }
${log}}
# swanctl only reads keys and certificates here (the tunnel resumed at boot, bin/tibox-agent):
# without the rest of its default plugins it starts in half the time, while the TI waits.
swanctl {
  load = ${SWANCTL_PLUGINS.join(' ')}
}
`;
}

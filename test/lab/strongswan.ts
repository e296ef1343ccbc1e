// strongSwan in the lab: one charon-systemd per namespace with its own strongswan.conf, VICI
// socket and log (LAB-NOTES.md), ESP through kernel-libipsec because the lab kernel has no ESP.
// Renders the datacenter gateways' responder config and the plain box config an administrator
// would write by hand (the benchmarks' baseline).
import { mkdirSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../src/core/runner.ts';
import { Supervised } from './supervisor.ts';
import type { IssuedCert } from './pki.ts';

/** Plugins in load order: kernel-libipsec must come before kernel-netlink to own the ESP SAs. */
const PLUGINS = 'random nonce kdf openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey kernel-libipsec kernel-netlink socket-default updown vici';

export function renderStrongswanConf(dir: string, options: { installRoutes: boolean }): string {
  return `# Lab charon: own VICI socket, own log, userspace ESP.
charon {
  load = ${PLUGINS}
  install_routes = ${options.installRoutes ? 'yes' : 'no'}
  plugins {
    vici { socket = unix://${join(dir, 'charon.vici')} }
  }
  journal { default = -1 }
  filelog {
    lab {
      path = ${join(dir, 'charon.log')}
      time_format = %H:%M:%S
      default = 1
      flush_line = yes
    }
  }
}
`;
}

export interface GatewayConfig {
  publicAddress: string;
  id: string;
  cert: string;
  caCert: string;
  localTs: readonly string[];
  remoteTs: string;
  /** Shell command line charon runs on child up/down (route injection into the core). */
  updown: string;
}

/** Both ends authenticate with certificates of the lab CA. */
function certificateAuth(c: { id: string; cert: string; caCert: string }): string {
  return `    local {
      auth = pubkey
      certs = ${c.cert}
      id = ${c.id}
    }
    remote {
      auth = pubkey
      cacerts = ${c.caCert}
    }`;
}

export function renderGatewaySwanctl(c: GatewayConfig): string {
  return `# Datacenter gateway: a responder with DPD, one IKE_SA per box (unique = replace).
connections {
  box {
    version = 2
    local_addrs = ${c.publicAddress}
    proposals = aes256gcm16-prfsha384-ecp384
    mobike = yes
    dpd_delay = 10s
    unique = replace
${certificateAuth(c)}
    children {
      ti {
        local_ts = ${c.localTs.join(',')}
        remote_ts = ${c.remoteTs}
        esp_proposals = aes256gcm16-ecp384
        updown = ${c.updown}
        dpd_action = clear
      }
    }
  }
}
`;
}

export interface PlainBoxConfig {
  gateways: readonly string[];
  id: string;
  cert: string;
  caCert: string;
  localTs: string;
  remoteTs: readonly string[];
}

/** strongSwan configured by hand as an administrator would: one connection listing both gateways. */
export function renderPlainBoxSwanctl(c: PlainBoxConfig): string {
  return `# Plain strongSwan on the box, as an administrator would configure it by hand.
connections {
  dc {
    version = 2
    remote_addrs = ${c.gateways.join(', ')}
    proposals = aes256gcm16-prfsha384-ecp384
    dpd_delay = 30s
${certificateAuth(c)}
    children {
      ti {
        local_ts = ${c.localTs}
        remote_ts = ${c.remoteTs.join(',')}
        esp_proposals = aes256gcm16-ecp384
        start_action = start
      }
    }
  }
}
`;
}

export interface CharonInstance {
  dir: string;
  vici: string;
  log: string;
  process: Supervised;
  /** `swanctl --load-all` of its swanctl.conf, as an administrator would type it. */
  loadSwanctl(): Promise<void>;
}

export interface CharonOptions {
  netns: string;
  dir: string;
  /** The strongswan.conf text; renderStrongswanConf for the datacenter and the plain box. */
  conf: string;
  /** swanctl.conf to load after every start (gateways, the plain box); none for the agent's charon. */
  swanctl?: { conf: string; key: IssuedCert; loadAtStart: boolean };
}

async function waitForSocket(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`no VICI socket at ${path} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `swanctl --load-all`, retried briefly: after a restart the old socket file may linger a moment. */
async function loadSwanctl(runner: Runner, netns: string, dir: string, conf: string, vici: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await runner.run('swanctl', ['--load-all', '--noprompt', '--uri', `unix://${vici}`], {
        netns,
        env: { SWANCTL_DIR: dir, STRONGSWAN_CONF: conf },
      });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts a supervised charon in a namespace; with a swanctl config, loads it after each start. */
export async function startCharon(runner: Runner, o: CharonOptions): Promise<CharonInstance> {
  mkdirSync(join(o.dir, 'private'), { recursive: true, mode: 0o700 });
  const conf = join(o.dir, 'strongswan.conf');
  writeFileSync(conf, o.conf);
  const vici = join(o.dir, 'charon.vici');
  const swanctl = o.swanctl;
  if (swanctl) {
    writeFileSync(join(o.dir, 'swanctl.conf'), swanctl.conf);
    copyFileSync(swanctl.key.key, join(o.dir, 'private', 'key.pem'));
  }
  const process = new Supervised(`charon ${o.netns}`, 'charon-systemd', [], {
    netns: o.netns,
    env: { STRONGSWAN_CONF: conf },
    logFile: join(o.dir, 'charon.out'),
    afterStart: async () => {
      await waitForSocket(vici, 5_000);
      if (swanctl?.loadAtStart) await loadSwanctl(runner, o.netns, o.dir, conf, vici);
    },
  });
  await process.start();
  return { dir: o.dir, vici, log: join(o.dir, 'charon.log'), process, loadSwanctl: () => loadSwanctl(runner, o.netns, o.dir, conf, vici) };
}

// The lab of ARCHITECTURE.md §6: the practice LAN (PVS host, an unregistered host, the practice
// router with DHCP and DSL-like NAT), a card-terminal stand-in, the box, the internet, two
// datacenter gateways with real strongSwan responders and the datacenter core with the connector
// and TI DNS stand-ins. Namespace names share one random prefix, the lab's id; its directory
// records the process that owns it (owner.ts). destroy() removes everything, and cleanStale()
// (staleLabs.ts) what a run whose owner died left behind.
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { randomBytes, X509Certificate } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { processRunner, type Runner } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { Netns } from './netns.ts';
import { createLabPki, type IssuedCert, type LabPki } from './pki.ts';
import { startCharon, renderGatewaySwanctl, renderPlainBoxSwanctl, renderStrongswanConf, type CharonInstance } from './strongswan.ts';
import { renderCharonConf } from '../../src/ipsec/charonConf.ts';
import { TI_GUARD_PRIORITY, TI_ROUTE_TABLE, TI_RULE_PRIORITY, TIBOX_TABLE } from '../../src/firewall/index.ts';
import { LINKS_STATE_FILE, parseOwned } from '../../src/lan/lanLinks.ts';
import { NOTHING_OWNED } from '../../src/lan/linksModel.ts';
import { dnsmasqCommand, dnsmasqFiles, practiceDhcpCommand } from '../../src/lan/index.ts';
import { Supervised } from './supervisor.ts';
import { labNames, PLAN, GATEWAY_METRIC, type LabNames, type GatewayName } from './topology.ts';
import { recordOwner } from './owner.ts';
import { buildLinks } from './links.ts';
import { issueLabProfile, labSettings, signProfile, type LabProfiles } from './profile.ts';
import { PROVISIONING_FILE } from '../../src/agent/provisioning/provisioningFile.ts';
import { LabDdiAdmin } from './ddi/admin.ts';
import { WAN_HOOK_DIR } from '../../src/agent/wiring/wan.ts';
import { wanDhcpCommand } from '../../src/wan/index.ts';
import { DEFAULT_WEBUI_USER as WEBUI_USER } from '../../src/control/socketPath.ts';

const LAB_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = join(LAB_DIR, '..', '..');
/** `ip netns exec` puts each file of /etc/netns/<namespace>/ over its namesake in /etc for what it starts there. */
export const NETNS_ETC = '/etc/netns';

/** A user's uid and gid in passwd(5) text. */
function parsePasswd(text: string, name: string): { uid: number; gid: number } | undefined {
  const fields = text.split('\n').map((line) => line.split(':')).find((f) => f[0] === name);
  return fields && /^\d+$/.test(fields[2] ?? '') && /^\d+$/.test(fields[3] ?? '') ? { uid: Number(fields[2]), gid: Number(fields[3]) } : undefined;
}

/** A lab's own directory, by its id. */
export function labDir(id: string): string {
  return join(tmpdir(), `tibox-lab-${id}`);
}

/**
 * The agent's runtime files, as /run/tibox on the box: beside the lab's own directory, whose
 * 0700 would keep dnsmasq out of its files once it has dropped root.
 */
export function labRunDir(id: string): string {
  return `${labDir(id)}-run`;
}
/** As the box's units for dnsmasq and the practice-LAN DHCP client: RestartSec=1. */
const COMPONENT_RESTART_MS = 1_000;

/** Loaded in a gateway: ESP in UDP (its first four payload bytes are a non-zero SPI) is dropped, IKE passes. */
const DROP_ESP = `table inet lab_drop_esp {
  chain input { type filter hook input priority -10; udp dport 4500 @th,64,32 != 0 drop; }
}
`;

/** Loaded in a gateway so it refuses the box: no IKE, no ESP, while the internet stays up. */
const REFUSE_IKE = `table inet lab_refuse {
  chain input { type filter hook input priority -10; udp dport { 500, 4500 } drop; }
}
`;

/** Loaded in the internet namespace to cut the practice router's line without touching the router. */
const UPSTREAM_CUT = `table inet lab_cut {
  chain forward { type filter hook forward priority -10; iifname "rtr0" drop; oifname "rtr0" drop; }
  chain input { type filter hook input priority -10; iifname "rtr0" drop; }
}
`;

export interface LabOptions {
  /** 'agent': the box's charon waits for the tibox agent (install_routes = no); 'plain': hand-written swanctl.conf. */
  boxCharon: 'agent' | 'plain';
  /** With 'plain': load the box's swanctl.conf only when asked (boxCharon.loadSwanctl()), as for a cold start. */
  plainLoadByHand?: boolean;
  /**
   * A resolver on the internet (PLAN.internetDns) that the box asks, with the gateways' names and
   * the datacenter's SRV record for them; without it the box reaches no resolver.
   */
  internetDns?: boolean;
  /** The DDI server in the datacenter core (PLAN.management), with its admin API for tests (ddiAdmin()). */
  ddi?: boolean;
  /** Start the agent on a box the factory never provisioned; else startAgent() provisions it first. */
  unprovisioned?: boolean;
  /**
   * The single executable (image/out/tibox/bin/tibox) that runs the agent and the factory step in
   * place of bin/tibox-agent and bin/tibox from build/; the tunnel resume of bin/tibox-agent is
   * then not run.
   */
  executable?: string;
  log?: (line: string) => void;
}

export interface LabDescription {
  id: string;
  dir: string;
  namespaces: LabNames;
  addresses: typeof PLAN;
  /** `control` is where startAgent() puts the agent's control socket unless told otherwise. */
  box: { vici: string; charonLog: string; mode: LabOptions['boxCharon']; control: string };
  urls: { connectorSds: string; management: string };
  /** `connector` and `terminal`: the stand-ins' server certificates, for other TLS servers in their places. */
  pki: { ca: string; box: IssuedCert; connector: IssuedCert; terminal: IssuedCert };
  /** The box's signed VPN profiles (agent mode): PEM identity, or PKCS#12 with a password file. */
  profile?: { pem: string; pkcs12: string; passwordFile: string };
}

export class Lab {
  readonly names: LabNames;
  readonly dir: string;
  readonly netns: Netns;
  private readonly runner: Runner;
  private readonly options: LabOptions;
  private readonly services: Supervised[] = [];
  readonly gateways = new Map<GatewayName, CharonInstance>();
  boxCharon: CharonInstance | undefined;
  private boxDnsmasq: Supervised | undefined;
  private boxDhcpClient: Supervised | undefined;
  private boxWanDhcpClient: Supervised | undefined;
  private boxCert: IssuedCert | undefined;
  private standinCerts: { connector: IssuedCert; terminal: IssuedCert } | undefined;
  /** The box's signed VPN profiles (agent mode), and the trust anchor the agent pins. */
  profiles: LabProfiles | undefined;
  private agent: Supervised | undefined;
  private socketPath: string | undefined;
  /** More options and environment for every agent startAgent() starts, and the system it starts from (the lab's RAUC). */
  private agentExtra: { args: readonly string[]; env: Record<string, string>; root: string | undefined } = { args: [], env: {}, root: undefined };
  private readonly gatewayCerts = new Map<GatewayName, IssuedCert>();
  private pki: LabPki | undefined;
  private caCert = '';
  private publicAddressIndex = 0;
  private devicesRegistered = false;
  /** The agent's data directory when it is a tmpfs of its own (ownDataPartition). */
  private dataPartition: string | undefined;

  private constructor(runner: Runner, options: LabOptions, id: string) {
    this.runner = runner;
    this.options = options;
    this.names = labNames(id);
    this.dir = labDir(id);
    this.netns = new Netns(runner);
  }

  /**
   * Builds the whole lab; on any failure removes what was built and rethrows. Its directory is
   * made first, with this process recorded as its owner, before anything else of it exists: an id
   * whose directory exists belongs to another lab, and cleanStale() keeps a lab while its owner runs.
   */
  static async create(options: LabOptions, runner: Runner = processRunner): Promise<Lab> {
    const lab = new Lab(runner, options, claimLabId());
    try {
      await lab.build();
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  private log(line: string): void {
    this.options.log?.(`lab ${this.names.id}: ${line}`);
  }

  private async build(): Promise<void> {
    this.log('namespaces and links');
    await buildLinks(this.netns, this.names, { agentOwnsLan: this.options.boxCharon === 'agent' });
    this.log('certificates');
    const pki = await createLabPki(this.runner, join(this.dir, 'pki'));
    this.pki = pki;
    this.caCert = pki.ca.cert;
    const gw1 = await pki.issue('gw1', [`DNS:${PLAN.gw1.id}`], 'server');
    const gw2 = await pki.issue('gw2', [`DNS:${PLAN.gw2.id}`], 'server');
    this.boxCert = await pki.issue('box', [`DNS:${PLAN.boxId}`], 'client');
    const connector = await pki.issue('connector', [`DNS:${PLAN.ti.connectorName}`, `IP:${PLAN.ti.connector}`], 'server');
    const terminal = await pki.issue('terminal', [`IP:${PLAN.tiSegment.terminal}`], 'server');
    this.standinCerts = { connector, terminal };
    if (this.options.boxCharon === 'agent') this.profiles = await issueLabProfile(this.runner, pki, { dir: join(this.dir, 'pki') });

    this.log('datacenter');
    await this.startGateway('gw1', gw1);
    await this.startGateway('gw2', gw2);
    await this.supervise('connector', this.names.core, process.execPath, [
      join(LAB_DIR, 'standins', 'connector.ts'), '--address', PLAN.ti.connector, '--cert', connector.cert, '--key', connector.key,
    ]);
    await this.supervise('ti-dns', this.names.core, 'dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
      `--listen-address=${PLAN.ti.dns}`, `--pid-file=${join(this.dir, 'ti-dns.pid')}`,
      `--address=/${PLAN.ti.connectorName}/${PLAN.ti.connector}`, `--address=/kim.telematik-test/${PLAN.ti.service}`,
      // Its zones answered from its own records alone, as their authoritative server does: a name
      // it does not hold is "no such name", not a refusal.
      `--local=/${PLAN.ti.domains.join('/')}/`,
    ]);

    if (this.options.internetDns) await this.startInternetDns();
    if (this.options.ddi) await this.startDdi(pki);

    this.log('practice router and hosts');
    // The router's DHCP serves the practice LAN and, as real routers do, the box's WAN port: the
    // box always gets the same address there, its name server the internet's resolver if the lab
    // has one (else the router, where nothing answers).
    const wanDns = this.options.internetDns ? PLAN.internetDns.address : PLAN.boxWan.router;
    await this.supervise('practice-dhcp', this.names.router, 'dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--interface=br-lan', '--interface=boxwan', '--bind-interfaces', '--no-ping',
      `--dhcp-range=set:lan,${PLAN.practiceLan.dhcpRange[0]},${PLAN.practiceLan.dhcpRange[1]},255.255.255.0,1h`,
      `--dhcp-option=tag:lan,option:router,${PLAN.practiceLan.router}`,
      `--dhcp-range=set:wan,${PLAN.boxWan.box},${PLAN.boxWan.box},255.255.255.0,1h`,
      `--dhcp-option=tag:wan,option:router,${PLAN.boxWan.router}`, `--dhcp-option=tag:wan,option:dns-server,${wanDns}`,
      `--dhcp-leasefile=${join(this.dir, 'practice.leases')}`, `--pid-file=${join(this.dir, 'practice-dhcp.pid')}`, '--log-dhcp',
    ]);
    await this.runner.run('busybox', ['udhcpc', '-i', 'eth0', '-n', '-q', '-t', '5', '-T', '1', '-s', join(LAB_DIR, 'udhcpc-script.sh')], {
      netns: this.names.other, timeoutMs: 20_000,
    });
    await this.supervise('terminal', this.names.term, process.execPath, [
      join(LAB_DIR, 'standins', 'terminal.ts'), '--address', PLAN.tiSegment.terminal, '--cert', terminal.cert, '--key', terminal.key,
      '--name', PLAN.terminal.name,
    ]);

    this.log(`box (${this.options.boxCharon} strongSwan)`);
    const plain = this.options.boxCharon === 'plain';
    // As the box's boot unit does before any interface comes up: close the box first.
    if (!plain) await this.boot();
    const boxDir = join(this.dir, 'box');
    this.boxCharon = await startCharon(this.runner, {
      netns: this.names.box,
      dir: boxDir,
      ...(plain
        ? { conf: renderStrongswanConf(boxDir, { installRoutes: true }), swanctl: { conf: this.plainBoxConf(), key: this.boxCert, loadAtStart: !this.options.plainLoadByHand } }
        : { conf: renderCharonConf({ backend: 'libipsec', viciSocket: join(boxDir, 'charon.vici'), logFile: join(boxDir, 'charon.log') }) }),
    });
    if (!plain) {
      await this.startBoxComponents();
      await this.startClocks();
    }
    writeFileSync(join(this.dir, 'lab.json'), JSON.stringify(this.describe(), null, 2));
  }

  /**
   * The box's dnsmasq, its practice-LAN DHCP client and its WAN DHCP client, each its own service
   * as on the box (its systemd unit: Restart=always, RestartSec=1), never the agent's children:
   * they read what the agent writes and wait, or exit and come back, until it has written it.
   */
  private async startBoxComponents(): Promise<void> {
    const [dnsmasq, ...dnsmasqArgs] = dnsmasqCommand(dnsmasqFiles(join(this.runDir(), 'dnsmasq')));
    this.boxDnsmasq = await this.supervise('box-dnsmasq', this.names.box, dnsmasq, dnsmasqArgs, undefined, COMPONENT_RESTART_MS);
    const [client, ...clientArgs] = practiceDhcpCommand(join(this.agentDataDir(), 'hooks'));
    this.boxDhcpClient = await this.supervise('box-dhcp-client', this.names.box, client, clientArgs, undefined, COMPONENT_RESTART_MS);
    const [wanClient, ...wanClientArgs] = wanDhcpCommand(join(this.agentDataDir(), WAN_HOOK_DIR));
    this.boxWanDhcpClient = await this.supervise('box-wan-dhcp', this.names.box, wanClient, wanClientArgs, undefined, COMPONENT_RESTART_MS);
  }

  /** The box's own components besides charon, to count or to kill as a fault would. */
  boxComponents(): { dnsmasq: Supervised; dhcpClient: Supervised; wanDhcpClient: Supervised } {
    if (!this.boxDnsmasq || !this.boxDhcpClient || !this.boxWanDhcpClient) throw new Error('the box components run only in a lab built with boxCharon: agent');
    return { dnsmasq: this.boxDnsmasq, dhcpClient: this.boxDhcpClient, wanDhcpClient: this.boxWanDhcpClient };
  }

  /** The pids of the box namespace's processes whose command line (arguments joined by blanks) matches. */
  async boxProcesses(pattern: RegExp): Promise<number[]> {
    const { stdout } = await this.runner.run('ip', ['netns', 'pids', this.names.box]);
    const cmdline = (pid: string) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    };
    return stdout.split('\n').filter((pid) => pid && pattern.test(cmdline(pid))).map(Number);
  }

  /** The SPIs of the box's CHILD_SAs, in and out, as swanctl lists them, sorted. */
  async boxSpis(): Promise<string[]> {
    if (!this.boxCharon) throw new Error('lab not built');
    const { stdout } = await this.exec(this.names.box, 'swanctl', ['--list-sas', '--uri', `unix://${this.boxCharon.vici}`]);
    return [...stdout.matchAll(/^\s+(?:in|out)\s+([0-9a-f]{8})\b/gm)].map((m) => m[1] as string).sort();
  }

  /**
   * The internet's resolver, and the box's resolv.conf naming it: written before the box's charon
   * and agent start, so both ask it (charon resolves the SRV targets it gets as gateways).
   */
  private async startInternetDns(): Promise<void> {
    const { address, srv } = PLAN.internetDns;
    await this.netns.address(this.names.inet, 'lo', `${address}/32`);
    const records = (['gw1', 'gw2'] as const).flatMap((name, i) => [
      `--host-record=${PLAN[name].id},${PLAN[name].public}`,
      `--srv-host=${srv},${PLAN[name].id},500,${10 * (i + 1)},1`,
    ]);
    // The management server's public address, where a box whose tunnel is down finds it.
    if (this.options.ddi) records.push(`--host-record=${PLAN.management.name},${PLAN.management.internet.public}`);
    await this.supervise('internet-dns', this.names.inet, 'dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
      `--listen-address=${address}`, `--pid-file=${join(this.dir, 'internet-dns.pid')}`, '--local=/tibox.test/', ...records,
    ]);
    const etc = join(NETNS_ETC, this.names.box);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'resolv.conf'), `nameserver ${address}\n`);
  }

  /**
   * Time as the box gets it: an NTP server on the internet and the box's own chronyd, which
   * follows it without touching the machine's clock (-x), its command socket for the agent.
   */
  private async startClocks(): Promise<void> {
    const dir = join(this.dir, 'clock');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const conf = (name: string, lines: string[]) => {
      writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
      return join(dir, name);
    };
    await this.supervise('ntp', this.names.inet, 'chronyd', ['-d', '-x', '-u', 'root', '-f', conf('ntp.conf', [
      'local stratum 1', 'allow all', 'cmdport 0', `pidfile ${join(dir, 'ntp.pid')}`,
    ])]);
    await this.supervise('box-chrony', this.names.box, 'chronyd', ['-d', '-x', '-u', 'root', '-f', conf('box.conf', [
      `server ${PLAN.uplink.inet} iburst minpoll 0 maxpoll 4`, 'port 0', 'cmdport 0',
      `bindcmdaddress ${this.chronySocket()}`, `pidfile ${join(dir, 'box.pid')}`,
    ])]);
  }

  private runDir(): string {
    const dir = this.runDirPath();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  private runDirPath(): string {
    return labRunDir(this.names.id);
  }

  private controlSocket(): string {
    return join(this.dir, 'control.sock');
  }

  /** The agent's socket for the web UI, as /run/tibox/webui.sock on the box. */
  webuiSocket(): string {
    return join(this.runDirPath(), 'webui.sock');
  }

  /** The web UI's own directory (its device certificate and key), as /var/lib/tibox-web on the box. */
  webuiStateDir(): string {
    return join(this.runDirPath(), 'webui');
  }

  /**
   * Starts the web UI in the box namespace next to the agent, as its service unit does on the
   * box: as user tibox-web, with only the capability to bind ports 80 and 443, supervised. Waits
   * until it answers HTTPS on the box's practice-LAN address.
   */
  async startWebui(): Promise<{ webui: Supervised; url: string; fingerprint256: string }> {
    const state = this.webuiStateDir();
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const user = parsePasswd(readFileSync('/etc/passwd', 'utf8'), WEBUI_USER);
    if (!user) throw new Error(`user ${WEBUI_USER} is missing: run 'make setup'`);
    chownSync(state, user.uid, user.gid);
    // The checkout seen through a folder of the lab, which the web UI's user can traverse.
    const view = join(this.runDirPath(), 'webui-code');
    mkdirSync(view, { recursive: true, mode: 0o755 });
    const webui = await this.supervise('webui', this.names.box, 'unshare', [
      '--mount', '--propagation', 'private', join(LAB_DIR, 'webui-as-user.sh'), REPO, view,
      `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--inh-caps=+net_bind_service', '--ambient-caps=+net_bind_service',
      join(view, 'bin', 'tibox-webui'), '--agent-socket', this.webuiSocket(), '--state-dir', state,
    ]);
    const url = `https://${PLAN.practiceLan.box}/`;
    const cert = join(state, 'tls', 'cert.pem');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = existsSync(cert) && (await this.exec(this.names.pvs, 'curl', ['-sS', '-o', '/dev/null', '-m', '2', '-k', url]).then(() => true, () => false));
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`the web UI did not answer at ${url}; see ${join(this.dir, 'webui.log')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { webui, url, fingerprint256: new X509Certificate(readFileSync(cert)).fingerprint256 };
  }

  private chronySocket(): string {
    return join(this.dir, 'clock', 'box-chrony.sock');
  }

  /** The box's chronyd stops: its clock counts as not synchronised. */
  async stopBoxClock(): Promise<void> {
    const service = this.services.find((s) => s.name === 'box-chrony');
    if (!service) throw new Error('the box runs no chronyd');
    await service.stop();
    this.services.splice(this.services.indexOf(service), 1);
  }

  private plainBoxConf(): string {
    if (!this.boxCert) throw new Error('box certificate not issued yet');
    return renderPlainBoxSwanctl({
      gateways: [PLAN.gw1.public, PLAN.gw2.public],
      id: PLAN.boxId,
      cert: this.boxCert.cert,
      caCert: this.caCert,
      localTs: PLAN.tiSegment.prefix,
      remoteTs: PLAN.ti.prefixes,
    });
  }

  private async startGateway(name: GatewayName, cert: IssuedCert): Promise<void> {
    this.gatewayCerts.set(name, cert);
    const gw = PLAN[name];
    const dir = join(this.dir, name);
    const updown = [join(LAB_DIR, 'gateway-updown.sh'), this.names.core, gw.core, String(GATEWAY_METRIC[name]), this.coreRouteCount(name)].join(' ');
    // A fresh charon holds no SA: nothing counts for its route any more.
    rmSync(this.coreRouteCount(name), { force: true });
    const charon = await startCharon(this.runner, {
      netns: this.names[name],
      dir,
      conf: renderStrongswanConf(dir, { installRoutes: true }),
      swanctl: {
        conf: renderGatewaySwanctl({
          publicAddress: gw.public, id: gw.id, cert: cert.cert, caCert: this.caCert,
          localTs: PLAN.ti.prefixes, remoteTs: PLAN.tiSegment.prefix, updown,
        }),
        key: cert,
        loadAtStart: true,
      },
    });
    this.gateways.set(name, charon);
  }

  /**
   * Starts the tibox agent in the box namespace, supervised like its systemd unit, and waits
   * until its control socket is there. The socket is a filesystem path, so `tibox` on the host
   * reaches it.
   */
  async startAgent(socketPath = this.controlSocket()): Promise<{ agent: Supervised; socketPath: string; dataDir: string }> {
    if (!this.boxCharon || !this.profiles) throw new Error('the agent runs only in a lab built with boxCharon: agent');
    const dataDir = this.agentDataDir();
    // A box leaves the factory provisioned, once; a restarted agent finds it so.
    if (!this.options.unprovisioned && !existsSync(join(dataDir, PROVISIONING_FILE))) await this.provision();
    // As the box's service unit starts it: the tunnel resume, then the agent (bin/tibox-agent, from build/).
    const [command, ...first] = this.options.executable ? [this.options.executable, 'agent'] : [join(this.agentExtra.root ?? REPO, 'bin', 'tibox-agent')];
    const agent = await this.supervise('agent', this.names.box, command, [
      ...first,
      '--data-dir', dataDir, '--socket', socketPath,
      '--charon-vici', this.boxCharon.vici, '--profile-trust-anchor', this.profiles.trustAnchor, '--chrony-socket', this.chronySocket(),
      '--run-dir', this.runDir(),
      // Where the web UI's user reaches them: the lab's own directory is root's alone (0700).
      '--webui-socket', this.webuiSocket(), '--webui-certificate', join(this.webuiStateDir(), 'tls', 'cert.pem'),
      ...this.agentExtra.args,
    ], {
      NODE_COMPILE_CACHE: join(this.dir, 'box', 'node-cache'),
      // The box's strongswan.conf (/etc/strongswan.conf on the box), for the launcher's swanctl.
      STRONGSWAN_CONF: join(this.boxCharon.dir, 'strongswan.conf'),
      ...this.agentExtra.env,
    });
    this.agent = agent;
    this.socketPath = socketPath;
    const deadline = Date.now() + 15_000;
    while (!existsSync(socketPath)) {
      if (Date.now() > deadline) throw new Error(`the agent did not open ${socketPath}; see ${join(this.dir, 'agent.log')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { agent, socketPath, dataDir };
  }

  /**
   * Options and environment for every agent started from now on, as the image's unit would give
   * them (the lab's RAUC), and the system whose bin/tibox-agent starts it (a booted slot's); the
   * checkout's where none is given.
   */
  setAgentExtra(args: readonly string[], env: Record<string, string>, root?: string): void {
    this.agentExtra = { args, env, root };
  }

  /**
   * The factory step, as the factory runs it on the box (`tibox provision`, from build/): the lab's
   * serial number and its known initial password, given in a file. Returns what it printed.
   */
  async provision(extra: readonly string[] = []): Promise<string> {
    const passwordFile = join(this.dir, 'initial-password');
    writeFileSync(passwordFile, `${PLAN.provisioning.initialPassword}\n`, { mode: 0o600 });
    const { stdout } = await this.runner.run(this.options.executable ?? join(REPO, 'bin', 'tibox'), [
      'provision', '--data-dir', this.agentDataDir(), '--serial', PLAN.provisioning.serial, '--password-file', passwordFile, ...extra,
    ], { timeoutMs: 20_000 });
    return stdout;
  }

  /** The provisioning file the factory step writes and the agent reads. */
  provisioningFile(): string {
    return join(this.agentDataDir(), PROVISIONING_FILE);
  }

  /**
   * Puts the agent's data directory on a small tmpfs of its own, as the box's data partition is a
   * filesystem of its own, so that a test can make it read-only or full while the agent runs.
   * Call before startAgent(); destroy() unmounts it.
   */
  async ownDataPartition(sizeMb: number): Promise<string> {
    const dir = this.agentDataDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await this.runner.run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tibox-lab-data', dir]);
    this.dataPartition = dir;
    // Each process `ip netns exec` starts has a mount namespace of its own, which does not see a
    // mount made after it: the DHCP client's service, which reads the agent's hook directory on the
    // partition, starts again, as at a boot with the partition mounted; so does the WAN's.
    await this.boxComponents().dhcpClient.restart();
    await this.boxComponents().wanDhcpClient.restart();
    return dir;
  }

  /**
   * Stops the agent for good (until the next startAgent()), as `systemctl stop` would; SIGKILL
   * as a power cut ends it, with no chance to finish anything.
   */
  async stopAgent(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const agent = this.agent;
    if (!agent) throw new Error('no agent running');
    await agent.stop(signal);
    this.services.splice(this.services.indexOf(agent), 1);
    this.agent = undefined;
  }

  /** Remounts the data partition read-only or writable again; read-only needs no file open for writing. */
  async remountDataPartition(mode: 'ro' | 'rw'): Promise<void> {
    if (!this.dataPartition) throw new Error('the agent has no data partition of its own');
    await this.runner.run('mount', ['-o', `remount,${mode}`, this.dataPartition]);
  }

  /**
   * Everything the box's own software wrote in the lab: the agent's and the boot unit's logs,
   * charon's log, the agent's data directory (database, profile, state) and its run directory.
   */
  boxWrittenPaths(): { logs: string[]; dirs: string[] } {
    if (!this.boxCharon) throw new Error('lab not built');
    return {
      logs: [join(this.dir, 'agent.log'), join(this.dir, 'boot.log'), this.boxCharon.log],
      dirs: [this.agentDataDir(), this.runDirPath()],
    };
  }

  private agentDataDir(): string {
    return join(this.dir, 'box', 'agent-data');
  }

  /**
   * Imports a signed profile through the CLI, as the installer would (`tibox profile import`):
   * the box's own (PEM or PKCS#12 identity) or a `file` from issueProfileVariant().
   */
  async importProfile(options: { variant?: 'pem' | 'pkcs12' | 'v2'; file?: string } = {}): Promise<string> {
    if (!this.profiles || !this.socketPath) throw new Error('no agent to import into');
    const variant = options.variant ?? 'pem';
    const file = options.file ?? this.profiles[variant];
    const password = variant === 'pkcs12' ? ['--password-file', this.profiles.passwordFile] : [];
    const { stdout } = await this.runner.run(this.options.executable ?? join(REPO, 'bin', 'tibox'), ['--socket', this.socketPath, 'profile', 'import', file, ...password], { timeoutMs: 20_000 });
    if (!this.devicesRegistered) await this.registerPracticeDevices();
    return stdout;
  }

  /**
   * As the installer does once the profile has given the box its TI segment: registers the PVS
   * host and the card terminal by their TI address and the MAC they send from. Until then the
   * box forwards nothing of theirs.
   */
  private async registerPracticeDevices(): Promise<void> {
    if (!this.socketPath) throw new Error('no agent to register with');
    // The import answers once the profile is stored; the box takes it (tunnel, then LAN plan and
    // firewall) just after, and only then does it know the segment the devices are checked against.
    await this.waitForProfileTaken();
    const macOf = async (ns: string) => (JSON.parse((await this.exec(ns, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address as string;
    const tibox = (args: string[]) => this.runner.run(join(REPO, 'bin', 'tibox'), ['--socket', this.socketPath as string, 'devices', 'register', ...args], { timeoutMs: 10_000 });
    await tibox(['pvs', 'PVS reception', '--address', PLAN.tiSegment.pvs, '--mac', await macOf(this.names.pvs), '--cetp-ports', String(PLAN.pvsCetpPort)]);
    await tibox(['terminal', 'Terminal reception', '--address', PLAN.tiSegment.terminal, '--mac', await macOf(this.names.term)]);
    this.devicesRegistered = true;
  }

  private async waitForProfileTaken(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { stdout } = await this.runner.run(join(REPO, 'bin', 'tibox'), ['--socket', this.socketPath as string, 'status', '--json']);
      const profile = (JSON.parse(stdout) as AgentStatus).subsystems.find((s) => s.name === 'profile');
      if (profile?.state === 'running') return;
      if (Date.now() > deadline) throw new Error(`the agent did not take the profile: ${profile?.state ?? 'no profile subsystem'} ${profile?.detail ?? ''}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The box's profile with some settings changed, signed with the lab's profile-signing key. */
  async issueProfileVariant(name: string, overrides: Record<string, unknown>): Promise<string> {
    const pki = join(this.dir, 'pki');
    const [signingKey, caPem, certificate, privateKey] = ['profile-signing.key', 'ca.pem', 'box.pem', 'box.key'].map((f) => readFileSync(join(pki, f), 'utf8'));
    const file = join(pki, `profile-${name}.json`);
    writeFileSync(file, signProfile({ ...labSettings(caPem as string), identity: { certificate, privateKey }, ...overrides }, signingKey as string), { mode: 0o600 });
    return file;
  }

  /**
   * A renewal of the box's version 2 profile as the datacenter issues one: a new box certificate
   * and a new management certificate from the lab CA, for the same names, signed with the lab's
   * profile-signing key or `signingKey` (PEM). `overrides` change the payload (another `boxId`).
   * `boxCa: 'foreign'` issues the box certificate from a CA of its own, which the profile lists
   * beside the lab CA: the box takes the profile, the gateways (which trust the lab CA alone)
   * refuse its tunnel.
   */
  async issueRenewedProfile(name: string, options: { overrides?: Record<string, unknown>; signingKey?: string; boxCa?: 'lab' | 'foreign' } = {}): Promise<string> {
    if (!this.pki) throw new Error('lab not built');
    const pki = join(this.dir, 'pki');
    const [labKey, caPem] = ['profile-signing.key', 'ca.pem'].map((f) => readFileSync(join(pki, f), 'utf8')) as [string, string];
    const read = (issued: IssuedCert) => ({ certificate: readFileSync(issued.cert, 'utf8'), privateKey: readFileSync(issued.key, 'utf8') });
    const boxPki = options.boxCa === 'foreign' ? await createLabPki(this.runner, join(this.dir, `pki-${name}-foreign`)) : this.pki;
    const box = read(await boxPki.issue(`${name}-box`, [`DNS:${PLAN.boxId}`], 'client'));
    const management = read(await this.pki.issue(`${name}-box-management`, [`DNS:${PLAN.boxId}`], 'client'));
    const settings = labSettings(caPem);
    const payload = {
      ...settings,
      ...(boxPki === this.pki ? {} : { caCertificates: [caPem, readFileSync(boxPki.ca.cert, 'utf8')] }),
      version: 2,
      identity: box,
      management: { ...(settings.management as object), identity: management, caCertificates: [caPem] },
      ...options.overrides,
    };
    const file = join(pki, `profile-${name}.json`);
    writeFileSync(file, signProfile(payload, options.signingKey ?? labKey), { mode: 0o600 });
    return file;
  }

  /**
   * Restarts both gateways with certificates the box must refuse: issued by a CA the box does
   * not trust, or expired.
   */
  async replaceGatewayCertificates(kind: 'foreign-ca' | 'expired'): Promise<void> {
    const pki = kind === 'expired' ? this.pki : await createLabPki(this.runner, join(this.dir, 'pki-foreign'));
    if (!pki) throw new Error('lab not built');
    for (const name of ['gw1', 'gw2'] as const) {
      const cert = await pki.issue(name, [`DNS:${PLAN[name].id}`], 'server', { expired: kind === 'expired' });
      await this.killGateway(name);
      await this.startGateway(name, cert);
    }
  }

  /** The gateway drops the box's ESP (UDP 4500 with a non-zero SPI) while IKE still works. */
  async dropEsp(name: GatewayName, drop: boolean): Promise<void> {
    if (drop) await this.exec(this.names[name], 'nft', ['-f', '-'], 10_000, DROP_ESP);
    else await this.exec(this.names[name], 'nft', ['delete', 'table', 'inet', 'lab_drop_esp']);
  }

  /**
   * Both gateways refuse the box (IKE and ESP dropped) while they, the internet and the rest of
   * the datacenter stay up: the tunnel goes down and cannot come back until `false`.
   */
  async refuseTunnel(refuse: boolean): Promise<void> {
    for (const name of ['gw1', 'gw2'] as const) {
      if (refuse) await this.exec(this.names[name], 'nft', ['-f', '-'], 10_000, REFUSE_IKE);
      else await this.exec(this.names[name], 'nft', ['delete', 'table', 'inet', 'lab_refuse']);
    }
  }

  /** The agent crashes (SIGKILL, no goodbye); its supervisor starts it again, as systemd would. */
  killAgent(): void {
    if (!this.agent) throw new Error('no agent running');
    this.agent.kill('SIGKILL');
  }

  /**
   * Brings the box namespace to where a reboot leaves it when the agent is about to start: the
   * agent stops; what a reboot wipes goes (the tibox table, the TI routing table and its rules,
   * the addresses and bridges the agent records as its own in lan-links.json, its DHCP leases on
   * the LAN and the WAN port with the WAN's default route, connection tracking, its runtime
   * files); charon is killed and its supervisor starts it afresh, with no SA; then the boot unit's entry point runs as on the box (compiled, on
   * bin/tibox-node) and puts back what it can. The lab's own links and the practice-LAN address
   * the lab gave the box stay, as cables and the practice's network would; so do the agent's
   * files on its data partition. The boot's log goes to boot.log in the lab directory. `offMs`
   * keeps the box off that long before the boot, as a box that stays switched off a while;
   * `powerCut` kills the agent (SIGKILL) instead of stopping it as a reboot would.
   */
  async stopAgentAsAfterBoot(options: { offMs?: number; powerCut?: boolean } = {}): Promise<void> {
    if (!this.boxCharon) throw new Error('lab not built');
    await this.stopAgent(options.powerCut ? 'SIGKILL' : 'SIGTERM');
    await this.wipeAsReboot();
    if (options.offMs) await new Promise((r) => setTimeout(r, options.offMs));
    // Nothing of the box outlives a reboot; their supervisors start them afresh, as systemd would.
    for (const component of Object.values(this.boxComponents())) component.kill('SIGKILL');
    const charon = this.boxCharon.process;
    const before = charon.pid;
    charon.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (charon.pid === before || !existsSync(this.boxCharon.vici)) {
      if (Date.now() > deadline) throw new Error('the box charon did not come back');
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.boot();
  }

  /**
   * Removes from the box namespace what tibox put into its kernel and a reboot would not keep.
   * Forwarding stops first and comes back only after the boot unit (boot()): on the box the boot
   * unit runs before any port comes up, so no packet is forwarded without its ruleset. Here the
   * ports stay up, and a PVS host that keeps sending would otherwise leave in clear through the
   * default route in the moment between the wipe and the boot, a leak no real box has.
   */
  private async wipeAsReboot(): Promise<void> {
    const box = this.names.box;
    await this.netns.sysctl(box, 'net.ipv4.ip_forward', '0');
    await this.exec(box, 'nft', ['delete', 'table', TIBOX_TABLE.family, TIBOX_TABLE.name]);
    // A box that never had a profile has no TI routing table yet (ip says so with 2).
    await this.runner.run('ip', ['-4', 'route', 'flush', 'table', String(TI_ROUTE_TABLE)], { netns: box, okCodes: [2] });
    for (const priority of [TI_RULE_PRIORITY, TI_GUARD_PRIORITY]) {
      // One rule per call, until none is left at this priority.
      while ((await this.runner.run('ip', ['-4', 'rule', 'del', 'priority', String(priority)], { netns: box, okCodes: [2] })).code === 0);
    }
    const record = join(this.agentDataDir(), 'state', LINKS_STATE_FILE);
    const owned = existsSync(record) ? parseOwned(readFileSync(record, 'utf8')) : NOTHING_OWNED;
    if (!owned) throw new Error(`${record} is not a record of owned links`);
    // A bridge takes its addresses with it.
    for (const bridge of owned.bridges) await this.exec(box, 'ip', ['link', 'del', bridge]);
    for (const { dev, address } of owned.addresses) {
      if (!owned.bridges.includes(dev)) await this.exec(box, 'ip', ['addr', 'del', address, 'dev', dev]);
    }
    await this.exec(box, 'ip', ['-4', 'addr', 'flush', 'dev', 'lan0', 'dynamic']);
    // The WAN's address and with it its default route: the boot puts back what the agent recorded.
    await this.exec(box, 'ip', ['-4', 'addr', 'flush', 'dev', 'wan0']);
    await this.exec(box, 'conntrack', ['-F']);
    rmSync(this.runDirPath(), { recursive: true, force: true });
  }

  /**
   * The box's boot unit: its entry point, compiled (`make build`), on the Node flags of
   * bin/tibox-node; then the ports carry traffic again (forwarding back on).
   */
  private async boot(): Promise<void> {
    const { stdout } = await this.runner.run(
      join(REPO, 'bin', 'tibox-node'),
      [join(REPO, 'build', 'agent', 'boot.js'), '--state-dir', join(this.agentDataDir(), 'state'), '--run-dir', this.runDir()],
      { netns: this.names.box, timeoutMs: 20_000 },
    );
    appendFileSync(join(this.dir, 'boot.log'), stdout);
    await this.netns.sysctl(this.names.box, 'net.ipv4.ip_forward', '1');
  }

  private async supervise(name: string, netns: string, command: string, args: string[], env?: Record<string, string>, restartDelayMs?: number): Promise<Supervised> {
    const service = new Supervised(name, command, args, {
      netns, logFile: join(this.dir, `${name}.log`), ...(env ? { env } : {}), ...(restartDelayMs === undefined ? {} : { restartDelayMs }),
    });
    await service.start();
    this.services.push(service);
    return service;
  }

  /**
   * A gateway dies: its charon is killed (no IKE DELETE reaches the box) and, as BFD would in a
   * real datacenter, its routes into the core are withdrawn at once.
   */
  async killGateway(name: GatewayName): Promise<void> {
    await this.gateways.get(name)?.process.stop('SIGKILL');
    rmSync(this.coreRouteCount(name), { force: true });
    await this.withdrawCoreRoute(name);
  }

  /**
   * The gateway's route for the box's segment leaves the core while its SA stays, as in a
   * datacenter whose route injection is not per SA and withdraws it with a stale SA of the box.
   */
  async withdrawCoreRoute(name: GatewayName): Promise<void> {
    await this.netns.ip(this.names.core, 'route', 'del', PLAN.tiSegment.prefix, 'via', PLAN[name].core, 'metric', String(GATEWAY_METRIC[name])).catch(() => undefined);
  }

  /** How many of the box's CHILD_SAs on a gateway keep its core route (gateway-updown.sh). */
  private coreRouteCount(name: GatewayName): string {
    return join(this.dir, name, 'core-route.count');
  }

  /** Brings a killed gateway back with an empty state, as after a reboot. */
  async reviveGateway(name: GatewayName): Promise<void> {
    const cert = this.gatewayCerts.get(name);
    if (!cert) throw new Error(`${name} was never started`);
    await this.startGateway(name, cert);
  }

  /**
   * The practice router drops what the box sends to UDP `port` (500 or 4500), as a router without
   * VPN passthrough does; `false` lets it through again.
   */
  async dropIkePort(port: 500 | 4500, drop: boolean): Promise<void> {
    const table = `lab_ike_${port}`;
    if (drop) {
      const rules = `table inet ${table} {\n  chain forward { type filter hook forward priority -10; udp dport ${port} drop; }\n}\n`;
      await this.exec(this.names.router, 'nft', ['-f', '-'], 10_000, rules);
    } else {
      await this.exec(this.names.router, 'nft', ['delete', 'table', 'inet', table]);
    }
  }

  /**
   * Stops a stand-in (the connector and the TI DNS in the datacenter core, the resolver on the
   * internet), as an outage would; `true` starts it again.
   */
  async standIn(name: 'connector' | 'ti-dns' | 'internet-dns', running: boolean): Promise<void> {
    const service = this.services.find((s) => s.name === name);
    if (!service) throw new Error(`the lab runs no ${name}`);
    if (running) await service.start();
    else await service.stop();
  }

  /**
   * Pulls the card terminal's cable: its link goes down at both ends, as a terminal unplugged or
   * switched off. `false` plugs it in again, with the terminal's way out through the box.
   */
  async unplugTerminal(unplugged: boolean): Promise<void> {
    await this.netns.ip(this.names.term, 'link', 'set', 'eth0', unplugged ? 'down' : 'up');
    if (!unplugged) await this.netns.ip(this.names.term, 'route', 'replace', 'default', 'via', PLAN.tiSegment.terminalGateway);
  }

  /**
   * Cuts the WAN: 'carrier' unplugs the box's WAN cable (the box sees NO-CARRIER); 'upstream'
   * cuts the practice router's line to the internet while the router, its address and its NAT
   * state stay. `false` restores it.
   */
  async cutWan(side: 'carrier' | 'upstream', cut: boolean): Promise<void> {
    if (side === 'carrier') {
      await this.netns.ip(this.names.router, 'link', 'set', 'boxwan', cut ? 'down' : 'up');
    } else if (cut) {
      await this.exec(this.names.inet, 'nft', ['-f', '-'], 10_000, UPSTREAM_CUT);
    } else {
      await this.exec(this.names.inet, 'nft', ['delete', 'table', 'inet', 'lab_cut']);
    }
  }

  /**
   * The MTU of the practice router's line to the internet, at both ends (PPPoE DSL 1492, DS-Lite
   * 1460, ...): the box's own WAN port stays at 1500, as behind a real router.
   */
  async setUplinkMtu(mtu: number): Promise<void> {
    await this.netns.ip(this.names.router, 'link', 'set', 'up0', 'mtu', String(mtu));
    await this.netns.ip(this.names.inet, 'link', 'set', 'rtr0', 'mtu', String(mtu));
  }

  /** The MTU of a gateway's own link to the internet, at both ends: a gateway behind a smaller path. */
  async setGatewayLinkMtu(name: GatewayName, mtu: number): Promise<void> {
    await this.netns.ip(this.names.inet, 'link', 'set', name, 'mtu', String(mtu));
    await this.netns.ip(this.names[name], 'link', 'set', 'pub0', 'mtu', String(mtu));
  }

  /**
   * A DSL reconnect: the practice router gets a new public address and loses its NAT state.
   * Returns the new address.
   */
  async changePublicAddress(): Promise<string> {
    const addresses = PLAN.uplink.routerAddresses;
    const old = addresses[this.publicAddressIndex % addresses.length] as string;
    this.publicAddressIndex += 1;
    const next = addresses[this.publicAddressIndex % addresses.length] as string;
    const { router } = this.names;
    await this.netns.address(router, 'up0', `${next}/${PLAN.uplink.len}`);
    await this.netns.ip(router, 'addr', 'del', `${old}/${PLAN.uplink.len}`, 'dev', 'up0');
    await this.netns.route(router, 'default', 'via', PLAN.uplink.inet);
    await this.exec(router, 'conntrack', ['-F']).catch(() => undefined);
    return next;
  }

  describe(): LabDescription {
    if (!this.boxCharon || !this.boxCert || !this.standinCerts) throw new Error('lab not built');
    return {
      id: this.names.id,
      dir: this.dir,
      namespaces: this.names,
      addresses: PLAN,
      box: { vici: this.boxCharon.vici, charonLog: this.boxCharon.log, mode: this.options.boxCharon, control: this.controlSocket() },
      urls: { connectorSds: `https://${PLAN.ti.connector}/connector.sds`, management: `https://${PLAN.management.name}` },
      pki: { ca: this.caCert, box: this.boxCert, ...this.standinCerts },
      ...(this.profiles ? { profile: { pem: this.profiles.pem, pkcs12: this.profiles.pkcs12, passwordFile: this.profiles.passwordFile } } : {}),
    };
  }

  private ddiAdminSocket(): string {
    return join(this.dir, 'ddi-admin.sock');
  }

  /**
   * The DDI server in the core on the management address, with a certificate of the lab CA for
   * the management name and, to switch to on request, one of a foreign CA.
   */
  private async startDdi(pki: LabPki): Promise<void> {
    const { name, address, internet } = PLAN.management;
    const { core, inet } = this.names;
    await this.netns.address(core, 'lo', `${address}/32`);
    // The datacenter's line to the internet: the server's public address, and the way back to
    // the practice routers' public addresses (nothing else: the core routes no TI segment there).
    await this.netns.veth(inet, 'dc', core, 'pub0');
    await this.netns.address(inet, 'dc', `${internet.inet}/${internet.len}`);
    await this.netns.address(core, 'pub0', `${internet.public}/${internet.len}`);
    for (const routerAddress of PLAN.uplink.routerAddresses) await this.netns.route(core, `${routerAddress}/32`, 'via', internet.inet);
    const server = await pki.issue('mgmt', [`DNS:${name}`, `IP:${address}`], 'server');
    const foreign = await (await createLabPki(this.runner, join(this.dir, 'pki-ddi-foreign'))).issue('mgmt', [`DNS:${name}`, `IP:${address}`], 'server');
    await this.supervise('ddi', core, process.execPath, [
      join(LAB_DIR, 'standins', 'ddi.ts'), '--address', address, '--public-address', internet.public, '--origin', `https://${name}`, '--ca', pki.ca.cert,
      '--cert', server.cert, '--key', server.key, '--foreign-cert', foreign.cert, '--foreign-key', foreign.key, '--admin', this.ddiAdminSocket(),
    ]);
    // The box finds the management server by its name, as its resolver would answer it.
    const etc = join(NETNS_ETC, this.names.box);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n::1 localhost\n${address} ${name}\n`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(this.ddiAdminSocket())) {
      if (Date.now() > deadline) throw new Error('the DDI server did not start (see ddi.log)');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The DDI server's admin API (a lab built with `ddi`). */
  ddiAdmin(): LabDdiAdmin {
    if (!this.options.ddi) throw new Error('the DDI server runs only in a lab built with ddi: true');
    return new LabDdiAdmin(this.ddiAdminSocket());
  }

  /** Runs a command inside one of the lab's namespaces. */
  exec(ns: string, command: string, args: readonly string[], timeoutMs = 10_000, input?: string) {
    return this.runner.run(command, args, { netns: ns, timeoutMs, ...(input === undefined ? {} : { input }) });
  }

  /** Removes every namespace, process and file of this lab. Safe to call twice. */
  async destroy(): Promise<void> {
    // The agent and the stand-ins end cleanly (the agent removes its socket); charons just die.
    const charons = [...[...this.gateways.values()].map((g) => g.process), this.boxCharon?.process];
    await Promise.all([...this.services.map((s) => s.stop()), ...charons.map((c) => c?.stop('SIGKILL'))]);
    for (const ns of Object.values(this.names).slice(1)) await this.netns.remove(ns);
    if (this.dataPartition) await this.runner.run('umount', [this.dataPartition]);
    this.dataPartition = undefined;
    rmSync(join(NETNS_ETC, this.names.box), { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.runDirPath(), { recursive: true, force: true });
  }
}

/** A fresh id whose directory this process has made and recorded itself as the owner of. */
function claimLabId(): string {
  for (;;) {
    const id = `tlab${randomBytes(2).toString('hex')}`;
    try {
      mkdirSync(labDir(id), { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    recordOwner(labDir(id));
    return id;
  }
}

// The image's systemd units (ARCHITECTURE.md §3), rendered at build time from the same command
// lines the lab's supervisor runs (dnsmasqCommand, practiceDhcpCommand, wanDhcpCommand), so the
// box and the lab cannot drift apart:
// - tibox-boot: the fail-closed firewall, the LAN and WAN state and the TI routes back in the
//   kernel before any network (network-pre.target) and before every networked unit, which
//   require it: if not even the baseline loads, nothing networked starts;
// - tibox-agent: Type=notify with the watchdog, hardened, with only the capabilities it uses;
// - tibox-webui: its own unprivileged user, only the capability to bind 80 and 443;
// - charon (Debian's strongswan.service), dnsmasq and both DHCP clients: Restart=always, never the
//   agent's children, so restarting the agent leaves exactly one of each;
// - chrony (Debian's unit), RAUC (Debian's, started on demand over D-Bus);
// - tibox-slot-good: marks the booted slot good once the agent is ready, except after an update,
//   which the agent's health commit judges (docs/updates.md).
import { basename, join } from 'node:path';
import { dnsmasqCommand, dnsmasqFiles, practiceDhcpCommand } from '../src/lan/index.ts';
import { wanDhcpCommand } from '../src/wan/index.ts';
import { WAN_HOOK_DIR } from '../src/agent/wiring/wan.ts';
import { DEFAULT_DATA_DIR } from '../src/agent/options.ts';
import { DEFAULT_WEBUI_STATE_DIR } from '../src/webui/options.ts';
import { PENDING_BOOT_FILE } from '../src/updater/index.ts';

/** Where the image installs `make executables`' directory. */
export const INSTALL_DIR = '/usr/lib/tibox';
export const RUN_DIR = '/run/tibox';
export const WEBUI_USER = 'tibox-web';
/** How long the agent may go without telling systemd it lives; it tells at half of it. */
export const AGENT_WATCHDOG_SEC = 60;

export interface UnitFile {
  /** Path in the root filesystem. */
  readonly path: string;
  readonly text: string;
}

const UNIT_DIR = '/usr/lib/systemd/system';

/**
 * Each capability the agent keeps, with why; everything else is outside its bounding set, also
 * for the programs it runs (nft, ip, ping, rauc, chronyc, systemd-notify).
 */
export const AGENT_CAPABILITIES: Readonly<Record<string, string>> = {
  CAP_NET_ADMIN: 'nftables, links, addresses, routes and rules over rtnetlink, the MSS clamp',
  CAP_NET_RAW: "ping with DF for the path MTU and the tunnel probes, arping's duplicate-address check",
  CAP_KILL: 'SIGHUP and SIGTERM to dnsmasq, which runs as its own user',
  CAP_CHOWN: "the web UI's socket handed to its user, dnsmasq's log file kept its owner's when rotated",
  CAP_FOWNER: "the web UI's socket's mode, set once it belongs to that user",
  CAP_DAC_READ_SEARCH: "reading the web UI's certificate (its user's 0700 directory) for the fingerprint in the status",
};

/** The binary of a command line from the sources, in the installation's bin/. */
function installed(command: readonly [string, ...string[]]): string {
  const [program, ...args] = command;
  const path = program.includes('/') ? join(INSTALL_DIR, 'bin', basename(program)) : `/usr/sbin/${program}`;
  return [path, ...args].join(' ');
}

/** Hardening every tibox service shares; the agent's and the web UI's add to it. */
const HARDENED = [
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'ProtectControlGroups=yes',
  'ProtectKernelModules=yes',
  'LockPersonality=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'SystemCallArchitectures=native',
];

function unit(name: string, sections: Record<string, readonly string[]>, comment: string): UnitFile {
  const body = Object.entries(sections).map(([section, lines]) => `[${section}]\n${lines.join('\n')}\n`).join('\n');
  return { path: join(UNIT_DIR, name), text: `# ${comment}\n# Rendered by image/units.ts.\n${body}` };
}

export function renderUnits(): UnitFile[] {
  const dataDir = DEFAULT_DATA_DIR;
  const networked = ['Requires=tibox-boot.service', 'After=tibox-boot.service'];
  // A component restarted for ever, never given up after a burst of restarts (dnsmasq exits until the agent has written its config).
  const always = 'StartLimitIntervalSec=0';
  const caps = Object.keys(AGENT_CAPABILITIES).join(' ');
  return [
    unit('tibox-boot.service', {
      Unit: [
        'Description=tibox: fail-closed firewall, links and TI routes back before any network',
        'DefaultDependencies=no',
        `RequiresMountsFor=${dataDir}`,
        'After=local-fs.target systemd-modules-load.service systemd-tmpfiles-setup.service',
        'Before=network-pre.target sysinit.target shutdown.target',
        'Wants=network-pre.target',
        'Conflicts=shutdown.target',
      ],
      Service: [
        'Type=oneshot',
        'RemainAfterExit=yes',
        `ExecStart=${INSTALL_DIR}/bin/tibox boot --state-dir ${dataDir}/state --run-dir ${RUN_DIR}`,
        // Forwarding only once the ruleset is loaded, as the lab does after its boot (IPv6 is never forwarded).
        'ExecStartPost=/usr/sbin/sysctl -q -w net.ipv4.ip_forward=1',
      ],
      Install: ['WantedBy=sysinit.target'],
    }, 'Runs before any network interface comes up: the kernel is closed from the first packet.'),

    unit('tibox-agent.service', {
      Unit: ['Description=tibox agent', ...networked, always, 'Wants=strongswan.service', 'After=strongswan.service network-pre.target', `RequiresMountsFor=${dataDir}`],
      Service: [
        // systemd-notify runs as the agent's child (Node has no datagram sockets): its messages count too.
        'Type=notify',
        'NotifyAccess=all',
        `WatchdogSec=${AGENT_WATCHDOG_SEC}`,
        `ExecStart=${INSTALL_DIR}/bin/tibox-agent`,
        'Restart=always',
        'RestartSec=2',
        'Environment=MALLOC_ARENA_MAX=2',
        ...HARDENED,
        `ReadWritePaths=${dataDir} ${RUN_DIR}`,
        `CapabilityBoundingSet=${caps}`,
        // Netlink for the kernel, packet sockets for arping's duplicate-address check, inet for probes and DNS.
        'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET',
      ],
      Install: ['WantedBy=multi-user.target'],
    }, `Capabilities: ${Object.entries(AGENT_CAPABILITIES).map(([cap, why]) => `${cap} (${why})`).join('; ')}.`),

    unit('tibox-webui.service', {
      Unit: ['Description=tibox web UI', 'After=tibox-agent.service', always],
      Service: [
        `User=${WEBUI_USER}`,
        `Group=${WEBUI_USER}`,
        `ExecStart=${INSTALL_DIR}/bin/tibox webui`,
        'Restart=always',
        'RestartSec=2',
        'Environment=MALLOC_ARENA_MAX=2',
        ...HARDENED,
        `ReadWritePaths=${DEFAULT_WEBUI_STATE_DIR}`,
        'AmbientCapabilities=CAP_NET_BIND_SERVICE',
        'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
        'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
      ],
      Install: ['WantedBy=multi-user.target'],
    }, 'As its own user, outside group tibox; it reaches the agent only through its own socket.'),

    unit('tibox-dnsmasq.service', {
      Unit: ['Description=tibox: dnsmasq for the terminal leases and split DNS', ...networked, always],
      Service: [`ExecStart=${installed(dnsmasqCommand(dnsmasqFiles(join(RUN_DIR, 'dnsmasq'))))}`, 'Restart=always', 'RestartSec=1'],
      Install: ['WantedBy=multi-user.target'],
    }, 'It exits until the agent has written its config, and is started again.'),

    unit('tibox-practice-dhcp.service', {
      Unit: ['Description=tibox: DHCP client on the practice LAN', ...networked, always],
      Service: [`ExecStart=${installed(practiceDhcpCommand(join(dataDir, 'hooks')))}`, 'Restart=always', 'RestartSec=1'],
      Install: ['WantedBy=multi-user.target'],
    }, 'Waits for the port and hook the agent writes.'),

    unit('tibox-wan-dhcp.service', {
      Unit: ['Description=tibox: DHCP client on the WAN port', ...networked, always],
      Service: [`ExecStart=${installed(wanDhcpCommand(join(dataDir, WAN_HOOK_DIR)))}`, 'Restart=always', 'RestartSec=1'],
      Install: ['WantedBy=multi-user.target'],
    }, 'Waits for the port and hook the agent writes.'),

    unit('tibox-slot-good.service', {
      Unit: [
        'Description=tibox: mark the booted slot good once the agent is ready',
        'Requires=tibox-agent.service',
        'After=tibox-agent.service',
        // After an update the agent's health commit decides (docs/updates.md).
        `ConditionPathExists=!${join(dataDir, PENDING_BOOT_FILE)}`,
      ],
      Service: ['Type=oneshot', 'RemainAfterExit=yes', 'ExecStart=/usr/bin/rauc status mark-good booted'],
      Install: ['WantedBy=multi-user.target'],
    }, "GRUB passes over a slot that was booted and not marked good (image/grubConfig.ts)."),

    // Debian's own units, changed only by drop-ins.
    {
      path: join(UNIT_DIR, 'strongswan.service.d', 'tibox.conf'),
      text: `# charon: a service of its own, never the agent's child; the agent talks VICI to it.\n[Unit]\n${[...networked, always].join('\n')}\n\n[Service]\nRestart=always\nRestartSec=1\n`,
    },
    {
      path: join(UNIT_DIR, 'chrony.service.d', 'tibox.conf'),
      text: `# chrony asks the WAN only once the firewall is in place.\n[Unit]\n${[...networked, always].join('\n')}\n\n[Service]\nRestart=always\nRestartSec=2\n`,
    },
  ];
}

/** The units enabled in the image (systemctl enable in the root filesystem). */
export const ENABLED_UNITS = [
  'tibox-boot.service', 'tibox-agent.service', 'tibox-webui.service', 'tibox-dnsmasq.service',
  'tibox-practice-dhcp.service', 'tibox-wan-dhcp.service', 'tibox-slot-good.service', 'strongswan.service', 'chrony.service',
] as const;

/** Never on the box: no login on any console or port. */
export const MASKED_UNITS = [
  'getty@.service', 'serial-getty@.service', 'console-getty.service', 'container-getty@.service', 'getty.target',
  // Nobody logs in, so no login sessions to manage (on the read-only root it fails besides).
  'systemd-logind.service',
  // A read-only root keeps the machine ID in memory: nothing to commit, no first-boot questions.
  'systemd-machine-id-commit.service', 'systemd-firstboot.service',
] as const;

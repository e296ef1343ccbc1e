// The configuration files the image adds to Debian's root filesystem, rendered at build time:
// mounts (the data partition, the ESP for RAUC's grub environment, tmpfs for what must be
// writable), the bounded journal, the box's port names, charon's strongswan.conf with kernel
// XFRM, the runtime directory. The root filesystem itself stays read-only (squashfs).
import { join } from 'node:path';
import { renderCharonConf } from '../src/ipsec/index.ts';
import { DEFAULT_DATA_DIR } from '../src/agent/options.ts';
import { DEFAULT_WEBUI_STATE_DIR } from '../src/webui/options.ts';
import { ESP_MOUNT } from './grubConfig.ts';
import { PARTUUID } from './partitions.ts';
import { RUN_DIR } from './units.ts';

export interface SystemFile {
  readonly path: string;
  readonly text: string;
  readonly mode?: number;
}

/**
 * Directories on the data partition that a service other than the agent writes, each bound where
 * that service expects it: the data partition's root stays the agent's alone (0700).
 */
export const DATA_BINDS: readonly { source: string; target: string; owner: string }[] = [
  { source: join(DEFAULT_DATA_DIR, 'webui'), target: DEFAULT_WEBUI_STATE_DIR, owner: 'tibox-web' },
  { source: join(DEFAULT_DATA_DIR, 'chrony'), target: '/var/lib/chrony', owner: '_chrony' },
];

/**
 * The box's ports by where they sit on the reference machine's PCI bus (the q35 machine of
 * `make image-test`), named as the agent's config expects them. Another appliance model brings
 * its own paths.
 */
export const PORTS: readonly { name: string; pciPath: string }[] = [
  { name: 'wan0', pciPath: 'pci-0000:00:10.0' },
  { name: 'lan0', pciPath: 'pci-0000:00:11.0' },
  { name: 'term0', pciPath: 'pci-0000:00:12.0' },
];

/** The journal in memory, bounded: the box's lasting records are the agent's histories on the data partition. */
export const JOURNAL_MAX = '16M';

export function renderSystemFiles(): SystemFile[] {
  const fstab = [
    '# tibox (image/systemFiles.ts): the root filesystem is a read-only squashfs slot.',
    // Not noexec: the DHCP clients run the lease hooks the agent writes there (its hooks
    // directories, root's alone), and on a noexec mount they wait for them for ever.
    `PARTUUID=${PARTUUID.data} ${DEFAULT_DATA_DIR} ext4 defaults,noatime,nosuid,nodev 0 2`,
    // RAUC writes the grub environment here; nothing on it runs from Linux.
    `PARTUUID=${PARTUUID.esp} ${ESP_MOUNT} vfat umask=0077,noatime,nosuid,nodev,noexec,flush 0 0`,
    'tmpfs /tmp tmpfs mode=1777,nosuid,nodev,size=64m 0 0',
    'tmpfs /var/tmp tmpfs mode=1777,nosuid,nodev,size=16m 0 0',
    // What still writes under /var/log (utmp's records, chrony's directory) writes to memory, as the journal does.
    'tmpfs /var/log tmpfs mode=0755,nosuid,nodev,noexec,size=16m 0 0',
    ...DATA_BINDS.map((b) => `${b.source} ${b.target} none bind,x-systemd.requires-mounts-for=${DEFAULT_DATA_DIR} 0 0`),
  ];
  return [
    { path: '/etc/fstab', text: `${fstab.join('\n')}\n` },
    {
      path: '/etc/systemd/journald.conf.d/tibox.conf',
      text: `# tibox: the journal in memory and bounded (image/systemFiles.ts).\n[Journal]\nStorage=volatile\nRuntimeMaxUse=${JOURNAL_MAX}\n`,
    },
    // The runtime directory the agent, dnsmasq, the DHCP clients and the web UI's socket share.
    { path: '/usr/lib/tmpfiles.d/tibox.conf', text: `d ${RUN_DIR} 0755 root root -\nd /var/log/chrony 0755 _chrony _chrony -\n` },
    ...PORTS.map((p, i) => ({
      path: `/etc/systemd/network/${10 + i}-tibox-${p.name}.link`,
      text: `# tibox: the port the agent's config calls ${p.name}.\n[Match]\nPath=${p.pciPath}\n\n[Link]\nName=${p.name}\n`,
    })),
    {
      path: '/etc/strongswan.conf',
      // charon-systemd reads its own section: it takes everything from the charon section.
      text: `${renderCharonConf({ backend: 'xfrm', viciSocket: '/var/run/charon.vici' })}\ncharon-systemd : charon {\n}\n`,
    },
    // squashfs for the root, virtio and common disk controllers: the initramfs must mount the slot.
    { path: '/etc/initramfs-tools/modules', text: 'squashfs\nvirtio_pci\nvirtio_blk\nahci\nsd_mod\nnvme\n' },
  ];
}

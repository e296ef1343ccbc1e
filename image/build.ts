// `make image`: the appliance's disk image and a RAUC bundle of the same root filesystem, from
// Debian's packages (mmdebstrap, bookworm, deb.debian.org) and `make executables` alone:
//   1. the root filesystem: mmdebstrap with our files synced in and image/customize.sh run in it;
//   2. squashfs of it: the slot image, read-only;
//   3. the ESP: GRUB's EFI image with the modules it needs built in, its config
//      (image/grubConfig.ts) and a fresh grub environment;
//   4. the data partition (ext4): the directories other services keep on it, and for a test build
//      the factory's provisioning;
//   5. the disk: GPT by the plan (image/partitions.ts), the ESP, slot A and the data written in;
//   6. the bundle: the squashfs as the rootfs image of a signed verity bundle.
// Everything goes to a work directory and replaces image/out/<flavor>/ in one rename at the end.
//
//   node image/build.ts [--test]
// --test: the test image of `make image-test`: provisioned (serial TBX-00000001, the password in
// image/out/image-test/initial-password) and with the boot report (image/imageReport.sh).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync, closeSync, chownSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { processRunner } from '../src/core/runner.ts';
import { DEFAULT_DATA_DIR } from '../src/agent/options.ts';
import { imageKeys } from './devKeys.ts';
import { GRUB_DIR_ON_ESP, GRUB_MODULES, initialGrubEnv, renderGrubConfig } from './grubConfig.ts';
import { checkFits, partition, planDisk, renderSfdiskScript, type DiskPlan, type PartitionName } from './partitions.ts';
import { RAUC_KEYRING, renderRaucSystemConf } from './raucConfig.ts';
import { DATA_BINDS, renderSystemFiles } from './systemFiles.ts';
import { ENABLED_UNITS, INSTALL_DIR, MASKED_UNITS, renderUnits } from './units.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { test: { type: 'boolean', default: false } } });
const flavor = flags.test ? 'image-test' : 'image';
const out = join(repo, 'image', 'out');
const target = join(out, flavor);
const work = join(out, `.${flavor}-${process.pid}`);
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

export const COMPATIBLE = 'tibox-amd64';
const SUITE = 'bookworm';
const MIRROR = 'http://deb.debian.org/debian';
/** Debian's packages of the box; everything else comes with their dependencies. */
export const PACKAGES = [
  'systemd', 'systemd-sysv', 'udev', 'dbus', 'linux-image-amd64', 'initramfs-tools', 'kmod',
  // useradd and groupadd for our users (minbase has only the essential packages).
  'passwd',
  // The single executable's Node and the native addons are C++.
  'libstdc++6',
  // charon with VICI over kernel XFRM, and swanctl for the tunnel resumed at boot; the openssl plugin.
  'charon-systemd', 'strongswan-swanctl', 'libstrongswan-standard-plugins',
  // netbase: /etc/protocols and /etc/services, which nft needs to read the ruleset's protocol names.
  'netbase', 'nftables', 'dnsmasq-base', 'chrony', 'iproute2', 'iputils-ping', 'procps',
  // udhcpc, the DHCP client of both ports (bin/tibox-wan-dhcp).
  'busybox',
  // RAUC, its D-Bus service, and grub-editenv for its GRUB backend.
  'rauc', 'rauc-service', 'grub-common', 'e2fsprogs',
];
/** What nobody reads on a box: documentation, manuals, translations (the licences stay). */
const DPKG_EXCLUDES = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];
const TEST_SERIAL = 'TBX-00000001';
const KERNEL_ARGS = ['console=ttyS0,115200', 'panic=10', 'systemd.show_status=auto'];

const started = Date.now();
// Each step with the seconds since the build started: where a build's time goes.
const log = (text: string) => process.stdout.write(`image: ${Math.round((Date.now() - started) / 1000)} s: ${text}\n`);
const run = (command: string, args: string[], timeoutMs = 60_000, env?: Record<string, string>) =>
  processRunner.run(command, args, { timeoutMs, ...(env ? { env } : {}) });

/** A user's ids in the root filesystem's passwd file (they differ from the build machine's). */
function userIds(passwd: string, name: string): { uid: number; gid: number } {
  const fields = passwd.split('\n').map((line) => line.split(':')).find((f) => f[0] === name);
  if (!fields) throw new Error(`the root filesystem has no user ${name}`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function writeFile(root: string, path: string, text: string, mode = 0o644): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

/** Our files, laid out as they go into the root filesystem. */
function overlay(dir: string, keys: { updateCa: string; profileTrustAnchor: string }): void {
  cpSync(join(out, 'tibox'), join(dir, INSTALL_DIR.slice(1)), { recursive: true });
  for (const u of renderUnits()) writeFile(dir, u.path, u.text);
  for (const f of renderSystemFiles()) writeFile(dir, f.path, f.text, f.mode);
  writeFile(dir, '/etc/rauc/system.conf', renderRaucSystemConf({ compatible: COMPATIBLE }));
  writeFile(dir, RAUC_KEYRING, readFileSync(keys.updateCa, 'utf8'));
  writeFile(dir, '/usr/share/tibox/profile-signing.pem', readFileSync(keys.profileTrustAnchor, 'utf8'));
  if (flags.test) {
    writeFile(dir, `${INSTALL_DIR}/bin/tibox-image-report`, readFileSync(join(repo, 'image', 'imageReport.sh'), 'utf8'), 0o755);
    writeFile(dir, '/usr/lib/systemd/system/tibox-image-report.service', `# Test builds only: the boot report make image-test reads (image/imageReport.sh).
[Unit]
Description=tibox: boot report for make image-test
After=multi-user.target

[Service]
Type=oneshot
ExecStart=${INSTALL_DIR}/bin/tibox-image-report

[Install]
WantedBy=multi-user.target
`);
  }
}

async function rootFilesystem(rootfs: string, overlayDir: string): Promise<void> {
  const enable = [...ENABLED_UNITS, ...(flags.test ? ['tibox-image-report.service'] : [])];
  await run('mmdebstrap', [
    '--variant=minbase', '--mode=root', `--include=${PACKAGES.join(',')}`,
    '--aptopt=APT::Install-Recommends "false"',
    ...DPKG_EXCLUDES.map((p) => `--dpkgopt=path-exclude=${p}`),
    '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    `--customize-hook=sync-in ${overlayDir} /`,
    `--customize-hook=${join(repo, 'image', 'customize.sh')}`,
    SUITE, rootfs, MIRROR,
  ], 30 * 60_000, { TIBOX_ENABLE: enable.join(' '), TIBOX_MASK: MASKED_UNITS.join(' ') });
}

/** The ESP: GRUB's EFI image (the modules built in, its prefix the ESP's /EFI/BOOT), config, environment. */
async function espImage(file: string, plan: DiskPlan, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const grubEfi = join(dir, 'BOOTX64.EFI');
  await run('grub-mkimage', ['-O', 'x86_64-efi', '-d', '/usr/lib/grub/x86_64-efi', '-p', GRUB_DIR_ON_ESP, '-o', grubEfi, ...GRUB_MODULES]);
  const cfg = join(dir, 'grub.cfg');
  writeFileSync(cfg, renderGrubConfig({ kernelArgs: KERNEL_ARGS }));
  const env = join(dir, 'grubenv');
  await run('grub-editenv', [env, 'create']);
  await run('grub-editenv', [env, 'set', ...Object.entries(initialGrubEnv()).map(([k, v]) => `${k}=${v}`)]);
  await run('mkfs.vfat', ['-C', '-n', 'TIBOX-ESP', file, String(partition(plan, 'esp').size / 1024)]);
  await run('mmd', ['-i', file, '::/EFI', `::${GRUB_DIR_ON_ESP}`]);
  await run('mcopy', ['-i', file, grubEfi, cfg, env, `::${GRUB_DIR_ON_ESP}/`]);
}

/** The data partition: the agent's directory, the other services' directories owned by their users. */
async function dataImage(file: string, plan: DiskPlan, rootfs: string, dir: string): Promise<string | undefined> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const passwd = readFileSync(join(rootfs, 'etc', 'passwd'), 'utf8');
  for (const bind of DATA_BINDS) {
    const user = userIds(passwd, bind.owner);
    const sub = join(dir, relative(DEFAULT_DATA_DIR, bind.source));
    mkdirSync(sub, { mode: 0o700 });
    chownSync(sub, user.uid, user.gid);
  }
  let password: string | undefined;
  if (flags.test) {
    // The factory step, run by the image's own executable against the data partition.
    password = join(dirname(file), 'initial-password');
    writeFileSync(password, 'tibox-image-test-password\n', { mode: 0o600 });
    await run(join(out, 'tibox', 'bin', 'tibox'), ['provision', '--data-dir', dir, '--serial', TEST_SERIAL, '--password-file', password], 60_000);
  }
  await run('mkfs.ext4', ['-q', '-L', 'tibox-data', '-d', dir, file, `${partition(plan, 'data').size / 1024 / 1024}M`], 120_000);
  return password;
}

/** Copies a file into the disk image at the partition's offset. */
function writeAt(disk: string, source: string, plan: DiskPlan, name: PartitionName): void {
  checkFits(plan, name, statSync(source).size);
  const from = openSync(source, 'r');
  const to = openSync(disk, 'r+');
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  let position = 0;
  try {
    for (;;) {
      const n = readSync(from, buffer, 0, buffer.length, position);
      if (n === 0) break;
      writeSync(to, buffer, 0, n, partition(plan, name).offset + position);
      position += n;
    }
  } finally {
    closeSync(from);
    closeSync(to);
  }
}

async function bundle(squashfs: string, file: string, dir: string, keys: { signingCert: string; signingKey: string }): Promise<void> {
  const content = join(dir, 'bundle');
  mkdirSync(content);
  copyFileSync(squashfs, join(content, 'rootfs.img'));
  writeFileSync(join(content, 'manifest.raucm'), `[update]\ncompatible=${COMPATIBLE}\nversion=${pkg.version}\n\n[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=rootfs.img\n`);
  await run('rauc', ['bundle', `--cert=${keys.signingCert}`, `--key=${keys.signingKey}`, content, file], 10 * 60_000);
  rmSync(content, { recursive: true });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('make image runs as root (mmdebstrap builds the root filesystem in root mode)');
  if (!existsSync(join(out, 'tibox', 'bin', 'tibox'))) throw new Error('image/out/tibox is missing: run make executables first');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const keys = await imageKeys(process.env, join(out, 'dev-keys'));
  if (keys.development) log(`development keys from ${join(out, 'dev-keys')}: this image is for development and tests, never for a box in the field`);
  const plan = planDisk();

  log(`root filesystem (mmdebstrap ${SUITE} from ${MIRROR})`);
  const overlayDir = join(work, 'overlay');
  overlay(overlayDir, keys);
  const rootfs = join(work, 'rootfs');
  await rootFilesystem(rootfs, overlayDir);

  log('squashfs');
  const squashfs = join(work, 'rootfs.squashfs');
  await run('mksquashfs', [rootfs, squashfs, '-comp', 'xz', '-noappend', '-quiet', '-no-progress'], 30 * 60_000);
  checkFits(plan, 'rootfs-a', statSync(squashfs).size);

  log('ESP and data partition');
  const esp = join(work, 'esp.img');
  await espImage(esp, plan, join(work, 'esp'));
  const data = join(work, 'data.img');
  const password = await dataImage(data, plan, rootfs, join(work, 'data'));

  log('disk');
  const disk = join(work, 'disk.img');
  writeFileSync(disk, '');
  await run('truncate', ['-s', String(plan.size), disk]);
  await processRunner.run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', disk], { input: renderSfdiskScript(plan), timeoutMs: 60_000 });
  writeAt(disk, esp, plan, 'esp');
  writeAt(disk, squashfs, plan, 'rootfs-a');
  writeAt(disk, data, plan, 'data');

  log('bundle');
  const bundleFile = join(work, `tibox-${pkg.version}.raucb`);
  await bundle(squashfs, bundleFile, work, keys);

  const sizes = {
    version: pkg.version,
    squashfsBytes: statSync(squashfs).size,
    bundleBytes: statSync(bundleFile).size,
    diskBytes: plan.size,
    // The disk image is sparse: the blocks it really holds.
    diskAllocatedBytes: statSync(disk).blocks * 512,
  };
  writeFileSync(join(work, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  for (const scratch of ['overlay', 'rootfs', 'esp', 'data', 'esp.img', 'data.img']) rmSync(join(work, scratch), { recursive: true, force: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(work, target);
  log(`${target}: disk.img (${(sizes.diskBytes / 2 ** 20).toFixed(0)} MiB, ${(sizes.diskAllocatedBytes / 2 ** 20).toFixed(1)} MiB used), rootfs.squashfs (${(sizes.squashfsBytes / 2 ** 20).toFixed(1)} MiB), ${`tibox-${pkg.version}.raucb`} (${(sizes.bundleBytes / 2 ** 20).toFixed(1)} MiB)${password ? `; initial password in ${join(target, 'initial-password')}` : ''}`);
}

await main().catch((error: unknown) => {
  rmSync(work, { recursive: true, force: true });
  throw error;
});

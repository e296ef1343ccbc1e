// The box's RAUC in the lab (ARCHITECTURE.md §3): the Debian `rauc` service on a private D-Bus,
// two file slots A and B, `plain` bundles checked against a keyring made per run, and a `custom`
// bootloader backend whose state (which slot is primary, which is good or bad) is two small files.
// The lab's reboot honours it as a bootloader would: it starts the primary slot unless that is
// marked bad, and tells the new RAUC service which slot runs (`--override-boot-slot`, the lab's
// stand-in for the kernel command line).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../../src/core/runner.ts';
import { Supervised } from './supervisor.ts';

export interface UpdateSigner {
  /** The CA a box pins as its keyring. */
  ca: string;
  cert: string;
  key: string;
}

/**
 * A test update CA and a code-signing certificate under it, made fresh with openssl. RAUC checks
 * the signer's purpose (`check-purpose=codesign`), so the certificate says codeSigning.
 */
export async function createUpdateSigner(runner: Runner, dir: string, name: string): Promise<UpdateSigner> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc'];
  const ca = join(dir, `${name}-ca.pem`);
  const caKey = join(dir, `${name}-ca.key`);
  await runner.run('openssl', [
    'req', '-x509', ...ec, '-keyout', caKey, '-out', ca, '-days', '2', '-subj', `/O=tibox lab/CN=${name} update CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const cert = join(dir, `${name}-signer.pem`);
  const key = join(dir, `${name}-signer.key`);
  await runner.run('openssl', [
    'req', '-x509', ...ec, '-keyout', key, '-out', cert, '-days', '2', '-CA', ca, '-CAkey', caKey, '-subj', `/O=tibox lab/CN=${name} update signer`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=critical,codeSigning',
  ]);
  return { ca, cert, key };
}

export const SLOTS = { A: 'rootfs.0', B: 'rootfs.1' } as const;
export type Bootname = keyof typeof SLOTS;

// The custom backend RAUC calls: get-primary, set-primary, get-state, set-state. Like GRUB's
// `<slot>_OK=1`, making a slot primary makes it good to try; the health commit then keeps it so
// or marks it bad.
const BACKEND = `#!/bin/sh
d=$(dirname "$0")
case "$1" in
  get-primary) cat "$d/primary" ;;
  set-primary) printf '%s\\n' "$2" > "$d/primary" && printf 'good\\n' > "$d/state.$2" ;;
  get-state) cat "$d/state.$2" 2>/dev/null || echo bad ;;
  set-state) printf '%s\\n' "$3" > "$d/state.$2" ;;
  *) echo "unknown command $1" >&2; exit 1 ;;
esac
`;

// RAUC's pre-install handler: an install waits here while the lab holds installs (holdInstalls()),
// so a test can act while one runs, never longer than two minutes; then the box's own handler
// judges the verified version against the agent's permit (src/updater/rauc/preInstallHandler.ts,
// run from the checkout as the lab's RAUC config is the checkout's).
const PRE_INSTALL = (node: string, handler: string, runDir: string) => `#!/bin/sh
i=0
while [ -e "$(dirname "$0")/../hold-installs" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
exec '${node}' '${handler}' '${runDir}'
`;
const HANDLER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'updater', 'rauc', 'preInstallHandler.ts');

export interface LabRaucOptions {
  runner: Runner;
  dir: string;
  /** The keyring the box pins: the CA whose signers it takes. */
  keyring: string;
  compatible: string;
  /** The agent's run directory, where it leaves the install permit the pre-install handler reads. */
  agentRunDir: string;
  netns?: string;
  slotBytes?: number;
}

export class LabRauc {
  readonly dir: string;
  /** The environment every `rauc` call of the box needs: the private bus. */
  readonly env: Record<string, string>;
  private readonly options: LabRaucOptions;
  private bus: Supervised | undefined;
  private service: Supervised | undefined;
  private bootedSlot: Bootname = 'A';

  private constructor(options: LabRaucOptions) {
    this.options = options;
    this.dir = options.dir;
    this.env = { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(options.dir, 'bus.sock')}` };
  }

  /** Writes the slots, the bootloader state and the configs, and boots slot A. */
  static async start(options: LabRaucOptions): Promise<LabRauc> {
    const rauc = new LabRauc(options);
    rauc.writeFiles();
    await rauc.startBus();
    await rauc.boot();
    return rauc;
  }

  get booted(): Bootname {
    return this.bootedSlot;
  }

  /** RAUC's system.conf: the agent installs system updates where it exists (`--rauc-conf`). */
  get confFile(): string {
    return join(this.dir, 'system.conf');
  }

  slotImage(slot: Bootname): string {
    return join(this.dir, `slot-${slot}.img`);
  }

  /** The bootloader's state as text, e.g. 'primary B; A good; B bad'. */
  bootloaderState(): string {
    const boot = join(this.dir, 'boot');
    const read = (name: string) => readFileSync(join(boot, name), 'utf8').trim();
    return `primary ${read('primary')}; A ${read('state.A')}; B ${read('state.B')}`;
  }

  /**
   * The booted slot's system as a directory to start the agent from: its image unpacked (the box
   * mounts it as its root), with the checkout's node_modules beside it (the image installs them;
   * the lab's bundles carry the build and the launchers only). Undefined for a slot RAUC never
   * wrote: the factory's system, which in the lab is the checkout.
   */
  async bootedRoot(nodeModules: string): Promise<string | undefined> {
    const image = this.slotImage(this.bootedSlot);
    if (statSync(image).size === 0) return undefined;
    const root = join(this.dir, `root-${this.bootedSlot}`);
    rmSync(root, { recursive: true, force: true });
    await this.options.runner.run('unsquashfs', ['-no-progress', '-d', root, image], { timeoutMs: 60_000 });
    symlinkSync(nodeModules, join(root, 'node_modules'));
    return root;
  }

  /** Installs wait in RAUC's pre-install handler while held, before anything is written. */
  holdInstalls(hold: boolean): void {
    const file = join(this.dir, 'hold-installs');
    if (hold) writeFileSync(file, '');
    else rmSync(file, { force: true });
  }

  /**
   * The lab's reboot: RAUC goes down as in a power cut (SIGKILL), the bootloader picks the primary
   * slot, or the other where the primary is marked bad, and RAUC starts with that slot booted.
   */
  async reboot(): Promise<Bootname> {
    await this.service?.stop('SIGKILL');
    this.service = undefined;
    await this.boot();
    return this.bootedSlot;
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.bus?.stop();
  }

  private writeFiles(): void {
    const { dir } = this;
    const boot = join(dir, 'boot');
    mkdirSync(boot, { recursive: true });
    mkdirSync(join(dir, 'data'), { recursive: true });
    for (const slot of ['A', 'B'] as const) writeFileSync(this.slotImage(slot), Buffer.alloc(0), { flag: 'a' });
    writeFileSync(join(boot, 'backend.sh'), BACKEND, { mode: 0o755 });
    writeFileSync(join(boot, 'pre-install.sh'), PRE_INSTALL(process.execPath, HANDLER, this.options.agentRunDir), { mode: 0o755 });
    writeFileSync(join(boot, 'primary'), 'A\n');
    writeFileSync(join(boot, 'state.A'), 'good\n');
    writeFileSync(join(boot, 'state.B'), 'good\n');
    const slots = (['A', 'B'] as const).map((b) => `[slot.${SLOTS[b]}]\ndevice=${this.slotImage(b)}\ntype=raw\nbootname=${b}\n`);
    writeFileSync(join(dir, 'system.conf'), [
      `[system]\ncompatible=${this.options.compatible}\nbootloader=custom\ndata-directory=${join(dir, 'data')}\n`,
      `[handlers]\nbootloader-custom-backend=${join(boot, 'backend.sh')}\npre-install=${join(boot, 'pre-install.sh')}\n`,
      `[keyring]\npath=${this.options.keyring}\ncheck-purpose=codesign\n`,
      ...slots,
    ].join('\n'));
    writeFileSync(join(dir, 'bus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${join(dir, 'bus.sock')}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`);
  }

  private async startBus(): Promise<void> {
    this.bus = new Supervised('dbus', 'dbus-daemon', ['--config-file', join(this.dir, 'bus.conf'), '--nofork', '--nopidfile'], {
      ...(this.options.netns ? { netns: this.options.netns } : {}), logFile: join(this.dir, 'dbus.log'),
    });
    await this.bus.start();
    await until(() => existsSync(join(this.dir, 'bus.sock')), 5_000, 'the private D-Bus did not come up');
  }

  private async boot(): Promise<void> {
    const boot = join(this.dir, 'boot');
    const primary = readFileSync(join(boot, 'primary'), 'utf8').trim() as Bootname;
    const other: Bootname = primary === 'A' ? 'B' : 'A';
    const good = (slot: Bootname) => existsSync(join(boot, `state.${slot}`)) && readFileSync(join(boot, `state.${slot}`), 'utf8').trim() === 'good';
    this.bootedSlot = good(primary) || !good(other) ? primary : other;
    this.service = new Supervised('rauc', 'rauc', ['service', `--conf=${join(this.dir, 'system.conf')}`, `--override-boot-slot=${this.bootedSlot}`], {
      ...(this.options.netns ? { netns: this.options.netns } : {}), env: this.env, logFile: join(this.dir, 'rauc.log'),
    });
    await this.service.start();
    const { runner } = this.options;
    // Until the service holds its bus name, the CLI fails (even by an abort): ask again.
    const answers = () => runner.run('rauc', ['status'], { env: this.env }).then(() => true, () => false);
    await until(answers, 10_000, 'the RAUC service did not answer');
  }
}

/**
 * The box's reboot command for an agent in the lab (`--reboot-command`): the agent runs it, and it
 * leaves a request that the test carries out with the lab's reboot, as the box's systemd would
 * carry out `systemctl reboot`.
 */
export class LabRebootRequests {
  readonly command: string;
  private readonly requestFile: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.requestFile = join(dir, 'reboot-requested');
    this.command = join(dir, 'reboot.sh');
    writeFileSync(this.command, `#!/bin/sh\n: > '${this.requestFile}'\n`, { mode: 0o755 });
  }

  /** Waits for the agent to ask for a reboot, and takes the request. */
  async next(timeoutMs: number): Promise<void> {
    await until(() => existsSync(this.requestFile), timeoutMs, 'the agent asked for no reboot');
    rmSync(this.requestFile);
  }

  pending(): boolean {
    return existsSync(this.requestFile);
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

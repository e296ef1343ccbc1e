// Boots a disk image of the appliance in qemu as a box boots it: q35, UEFI (OVMF) and GRUB, 2 vCPUs,
// 1 GiB, KVM where it really runs a VM and software emulation otherwise. The VM's ports hang on a
// qemu hub with no uplink: nothing leaves the machine. One VM is a copy of the disk and of the
// firmware's variables in a directory of its own, booted as often as the test likes; each boot
// runs until the VM powers off or reboots (the test image's report does either) or the timeout,
// and its serial console is kept either way.
import { accessSync, constants, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRunner } from '../../src/core/runner.ts';
import { PORTS } from '../../image/systemFiles.ts';

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export interface VmRun {
  accel: 'kvm' | 'tcg';
  /** The serial console's text, as far as the VM came. */
  console: string;
  /** From qemu's start to its end (the VM's poweroff or reboot). */
  wallSeconds: number;
  /** qemu's own failure or the timeout, in words; undefined when the VM powered off, rebooted or had its power cut. */
  qemuError?: string;
  /** The power was cut (cutPowerWhen). */
  powerCut: boolean;
}

/**
 * Whether KVM really runs a VM here: /dev/kvm may be there and still fail (nested virtualization
 * that aborts on a CPU register, or stops the firmware with an internal error). The firmware alone
 * is started for a few seconds with KVM; it works if the firmware got as far as its boot manager.
 */
async function kvmWorks(dir: string): Promise<boolean> {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  const log = join(dir, 'kvm-probe.log');
  const vars = join(dir, 'kvm-probe-vars.fd');
  copyFileSync(OVMF_VARS, vars);
  await processRunner.run('qemu-system-x86_64', [
    '-machine', 'q35,accel=kvm', '-cpu', 'host', '-smp', '1', '-m', '256', '-display', 'none', '-monitor', 'none', '-serial', `file:${log}`, '-no-reboot', '-net', 'none',
    '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`,
  ], { timeoutMs: 8_000 }).catch(() => undefined);
  return readFileSync(log, 'utf8').includes('BdsDxe');
}

export interface Vm {
  readonly dir: string;
  readonly disk: string;
  readonly vars: string;
  readonly accel: 'kvm' | 'tcg';
}

/** A VM of its own on a copy of `diskImage`, in `dir` (the VM writes its disk: the grub environment, the data partition). */
export async function createVm(diskImage: string, dir: string): Promise<Vm> {
  const disk = join(dir, 'disk.img');
  await processRunner.run('cp', ['--sparse=always', diskImage, disk], { timeoutMs: 120_000 });
  const vars = join(dir, 'OVMF_VARS.fd');
  copyFileSync(OVMF_VARS, vars);
  return { dir, disk, vars, accel: (await kvmWorks(dir)) ? 'kvm' : 'tcg' };
}

export interface BootOptions {
  timeoutMs: number;
  /** Raw images attached read-only beside the VM's own disk. */
  extraDisks?: readonly string[];
  /** Cuts the power (kills qemu) once the console so far satisfies it; read every second. */
  cutPowerWhen?: (console: string) => boolean;
}

/** Boots the VM once; `name` names the boot's console file. */
export async function boot(vm: Vm, name: string, options: BootOptions): Promise<VmRun> {
  const { timeoutMs, extraDisks = [], cutPowerWhen } = options;
  const consoleLog = join(vm.dir, `${name}.log`);
  const args = [
    '-machine', `q35,accel=${vm.accel}`, '-cpu', vm.accel === 'kvm' ? 'host' : 'max', '-smp', '2', '-m', '1024',
    '-display', 'none', '-monitor', 'none', '-serial', `file:${consoleLog}`, '-no-reboot',
    '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vm.vars}`,
    '-drive', `file=${vm.disk},format=raw,if=virtio`,
    ...extraDisks.flatMap((file) => ['-drive', `file=${file},format=raw,if=virtio,readonly=on`]),
    // The box's ports where the image's link files expect them, on a hub that leads nowhere.
    ...PORTS.flatMap((p, i) => ['-netdev', `hubport,id=${p.name},hubid=0`, '-device', `virtio-net-pci,netdev=${p.name},addr=${p.pciPath.split(':').at(-1)!},mac=52:54:00:7b:00:0${i + 1}`]),
  ];
  const started = Date.now();
  const cut = new AbortController();
  const watch = cutPowerWhen && setInterval(() => {
    if (existsSync(consoleLog) && cutPowerWhen(readFileSync(consoleLog, 'utf8'))) cut.abort();
  }, 1000);
  // -no-reboot ends qemu on a reboot too; a VM that never gets there is killed at the timeout.
  const qemuError = await processRunner.run('qemu-system-x86_64', args, { timeoutMs, signal: cut.signal })
    .then(() => undefined, (error: unknown) => (cut.signal.aborted ? undefined : (error as Error).message))
    .finally(() => clearInterval(watch));
  return { accel: vm.accel, console: readFileSync(consoleLog, 'utf8'), wallSeconds: (Date.now() - started) / 1000, powerCut: cut.signal.aborted, ...(qemuError === undefined ? {} : { qemuError }) };
}

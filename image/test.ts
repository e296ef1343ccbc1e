// `make image-test`: boots the test image (image/build.ts --test) in qemu, KVM where it really runs
// a VM and software emulation otherwise, 2 vCPUs, UEFI (OVMF) and GRUB as on a box, and checks
// from the serial console (image/bootReport.ts): the boot unit ran before the network, the agent
// told systemd it is ready, every unit is active. The VM's ports hang on a qemu hub with no
// uplink: nothing leaves the machine. Its figures (sizes, boot to "agent ready", resident memory
// of the agent and the web UI) go to bench/results/image.json.
import { accessSync, constants, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner } from '../src/core/runner.ts';
import { checkBootReport, monotonicSeconds, parseBootReport } from './bootReport.ts';
import { PORTS } from './systemFiles.ts';
import { ENABLED_UNITS } from './units.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const image = join(repo, 'image', 'out', 'image-test');
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
/** Software emulation boots in minutes; with KVM well under one. */
const TIMEOUT_MS = 15 * 60_000;
// The test image's report waits for its units for up to 240 s before it reports.
const CHECKED_UNITS = [...ENABLED_UNITS, 'network-pre.target'];

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

async function main(): Promise<void> {
  const sizes = JSON.parse(readFileSync(join(image, 'sizes.json'), 'utf8')) as Record<string, number>;
  const dir = mkdtempSync(join(tmpdir(), 'tibox-image-test-'));
  try {
    // The VM writes its disk (the grub environment, the data partition): a copy, sparse, never the built image.
    const disk = join(dir, 'disk.img');
    await processRunner.run('cp', ['--sparse=always', join(image, 'disk.img'), disk], { timeoutMs: 120_000 });
    const vars = join(dir, 'OVMF_VARS.fd');
    copyFileSync(OVMF_VARS, vars);
    const consoleLog = join(dir, 'console.log');
    const kvm = await kvmWorks(dir);
    const args = [
      '-machine', `q35,accel=${kvm ? 'kvm' : 'tcg'}`, '-cpu', kvm ? 'host' : 'max', '-smp', '2', '-m', '1024',
      '-display', 'none', '-monitor', 'none', '-serial', `file:${consoleLog}`, '-no-reboot',
      '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`,
      '-drive', `file=${disk},format=raw,if=virtio`,
      // The box's ports where the image's link files expect them, on a hub that leads nowhere.
      ...PORTS.flatMap((p, i) => ['-netdev', `hubport,id=${p.name},hubid=0`, '-device', `virtio-net-pci,netdev=${p.name},addr=${p.pciPath.split(':').at(-1)!},mac=52:54:00:7b:00:0${i + 1}`]),
    ];
    process.stdout.write(`image-test: booting ${join(image, 'disk.img')} (${kvm ? 'KVM' : 'software emulation'})\n`);
    const started = Date.now();
    // The report powers the VM off; -no-reboot ends qemu on a reboot too. A VM that never gets
    // there is killed at the timeout, and its console still tells how far it came.
    const qemuError = await processRunner.run('qemu-system-x86_64', args, { timeoutMs: TIMEOUT_MS }).then(() => undefined, (error: unknown) => error as Error);
    const wallSeconds = (Date.now() - started) / 1000;
    const text = readFileSync(consoleLog, 'utf8');
    writeFileSync(join(repo, 'image', 'out', 'image-test-console.log'), text);
    const report = parseBootReport(text);
    const problems = [...(qemuError ? [`qemu: ${qemuError.message}`] : []), ...checkBootReport(report, CHECKED_UNITS)];
    const agentReady = monotonicSeconds(report, 'tibox-agent.service', 'ActiveEnterTimestampMonotonic');
    const figures = {
      measuredAt: new Date().toISOString(),
      accel: kvm ? 'kvm' : 'tcg',
      squashfsBytes: sizes.squashfsBytes,
      bundleBytes: sizes.bundleBytes,
      diskBytes: sizes.diskBytes,
      diskAllocatedBytes: sizes.diskAllocatedBytes,
      kernelToAgentReadySeconds: agentReady ?? null,
      qemuStartToPoweroffSeconds: wallSeconds,
      agentRssKiB: report.rssKiB['tibox-agent.service'] ?? null,
      webuiRssKiB: report.rssKiB['tibox-webui.service'] ?? null,
      targets: { squashfsUnder: 250e6, agentRssUnderKiB: 80 * 1024, webuiRssUnderKiB: 60 * 1024 },
      problems,
    };
    writeFileSync(join(repo, 'bench', 'results', 'image.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    if (problems.length > 0) {
      process.stdout.write(`image-test: the console is in image/out/image-test-console.log\n${report.journal.join('\n')}\n`);
      throw new Error(`the test image did not come up as it must:\n- ${problems.join('\n- ')}`);
    }
    process.stdout.write('image-test: the boot unit ran before the network, the agent is ready, every unit is active\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// `make image-test`: the test image (image/build.ts --test, built by make first) booted in qemu
// (test/image/qemu.ts) and checked from the boot report its test-only unit prints on the serial
// console (image/imageReport.sh, image/bootReport.ts). One VM boots three times: from slot A, with
// a disk attached that holds the image's own bundle, which the report installs into slot B
// through RAUC, and the power cut while RAUC writes; from slot A again, as the cut left it, where
// the install runs to its end and the VM reboots; and from slot B, marked good once its agent is
// ready. The first boot's figures (sizes, boot to "agent ready", resident memory of the agent and
// the web UI) go to bench/results/image.json, each boot's console to image/out/image-test-<boot>.log.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentProblems, bootOrderProblems, completenessProblems, monotonicSeconds, parseBootReport, unitProblems, type BootReport } from '../../image/bootReport.ts';
import { ENABLED_UNITS } from '../../image/units.ts';
import { processRunner } from '../../src/core/runner.ts';
import { parseRaucStatus, type RaucStatus } from '../../src/updater/index.ts';
import { boot, createVm, type BootOptions, type Vm, type VmRun } from './qemu.ts';

const REPO = join(import.meta.dirname, '..', '..');
const IMAGE = join(REPO, 'image', 'out', 'image-test');
/** Software emulation reaches the report's end in about 3.5 min here; KVM in well under one. */
const BOOT_TIMEOUT_MS = 15 * 60_000;
const HOOK_TIMEOUT_MS = BOOT_TIMEOUT_MS + 5 * 60_000;
const CHECKED_UNITS = [...ENABLED_UNITS, 'network-pre.target'];

let dir: string;
let vm: Vm;

interface Boot {
  run: VmRun;
  report: BootReport;
}

/** Boots the VM, keeps its console in image/out and reads its report. */
async function bootAndReport(name: string, options: Omit<BootOptions, 'timeoutMs'> = {}): Promise<Boot> {
  const run = await boot(vm, name, { timeoutMs: BOOT_TIMEOUT_MS, ...options });
  writeFileSync(join(REPO, 'image', 'out', `image-test-${name}.log`), run.console);
  return { run, report: parseBootReport(run.console) };
}

/** RAUC's status in a boot's report; a failure names what the report had instead. */
function raucStatus(report: BootReport): RaucStatus {
  expect(report.rauc, 'RAUC\'s status in the report').toBeDefined();
  return parseRaucStatus(report.rauc!);
}

/** An ext4 disk labelled tibox-update with the image's bundle as update.raucb, which the test image's report installs; made once. */
async function updateDisk(): Promise<string> {
  const disk = join(dir, 'update.img');
  if (existsSync(disk)) return disk;
  const sizes = JSON.parse(readFileSync(join(IMAGE, 'sizes.json'), 'utf8')) as { version: string };
  const content = join(dir, 'update');
  mkdirSync(content);
  const bundle = join(IMAGE, `tibox-${sizes.version}.raucb`);
  copyFileSync(bundle, join(content, 'update.raucb'));
  const mib = Math.ceil(statSync(bundle).size / 2 ** 20) + 32;
  await processRunner.run('mkfs.ext4', ['-q', '-L', 'tibox-update', '-d', content, disk, `${mib}M`], { timeoutMs: 120_000 });
  rmSync(content, { recursive: true });
  return disk;
}

/** The figures bench/results/image.json keeps of the first boot. */
function recordFigures({ run, report }: Boot): void {
  const sizes = JSON.parse(readFileSync(join(IMAGE, 'sizes.json'), 'utf8')) as Record<string, number>;
  const figures = {
    measuredAt: new Date().toISOString(),
    accel: run.accel,
    squashfsBytes: sizes.squashfsBytes,
    bundleBytes: sizes.bundleBytes,
    diskBytes: sizes.diskBytes,
    diskAllocatedBytes: sizes.diskAllocatedBytes,
    kernelToAgentReadySeconds: monotonicSeconds(report, 'tibox-agent.service', 'ActiveEnterTimestampMonotonic') ?? null,
    agentRssKiB: report.rssKiB['tibox-agent.service'] ?? null,
    webuiRssKiB: report.rssKiB['tibox-webui.service'] ?? null,
    targets: { squashfsUnder: 250e6, agentRssUnderKiB: 80 * 1024, webuiRssUnderKiB: 60 * 1024 },
  };
  writeFileSync(join(REPO, 'bench', 'results', 'image.json'), `${JSON.stringify(figures, null, 2)}\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tibox-image-test-'));
  vm = await createVm(join(IMAGE, 'disk.img'), dir);
}, 5 * 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The moment to cut the power: RAUC has begun to write the bundle's image into slot B. */
const copyingIntoSlotB = (console: string) => /tibox-report: install-log +\d+% Copying image to rootfs\.1\r?\n/.test(console);

// A failure below names what went wrong; the consoles are in image/out/image-test-<boot>.log.
describe('the test image in qemu, its first boot: slot A, an update attached, the power cut during its install', () => {
  let first: Boot;
  beforeAll(async () => {
    first = await bootAndReport('first', { extraDisks: [await updateDisk()], cutPowerWhen: copyingIntoSlotB });
    if (first.report.complete) recordFigures(first);
  }, HOOK_TIMEOUT_MS);

  it('runs its report to the end', () => {
    expect(first.run.qemuError).toBeUndefined();
    expect(completenessProblems(first.report)).toEqual([]);
  });

  it('finishes the boot unit before the network comes up and before any networked unit starts', () => {
    expect(bootOrderProblems(first.report)).toEqual([]);
  });

  it('has the agent tell systemd it is ready, with no restart', () => {
    expect(agentProblems(first.report), first.report.journal.join('\n')).toEqual([]);
  });

  it('has every unit active and none failed', () => {
    expect(unitProblems(first.report, CHECKED_UNITS), first.report.journal.join('\n')).toEqual([]);
  });

  it('runs slot A, marked good, and loses its power while RAUC writes slot B', () => {
    const status = raucStatus(first.report);
    expect(status.booted).toBe('A');
    expect(status.slots.find((s) => s.bootname === 'A')?.bootStatus).toBe('good');
    expect(first.run.powerCut, 'the console never showed RAUC writing slot B').toBe(true);
    expect(first.report.install, 'the install must not have finished before the cut').toBeUndefined();
  });
});

describe('the test image in qemu, its second boot: after the power cut, the update attached again', () => {
  let second: Boot;
  beforeAll(async () => {
    second = await bootAndReport('second', { extraDisks: [await updateDisk()] });
  }, HOOK_TIMEOUT_MS);

  it('boots the old system in slot A, which comes up as before', () => {
    expect(second.run.qemuError).toBeUndefined();
    expect(raucStatus(second.report).booted).toBe('A');
    expect([...completenessProblems(second.report), ...agentProblems(second.report), ...unitProblems(second.report, CHECKED_UNITS)], second.report.journal.join('\n')).toEqual([]);
  });

  it('installs the bundle into slot B through RAUC and reboots', () => {
    expect(second.report.install, 'the install\'s result in the report').toBeDefined();
    expect(second.report.install!.code, second.report.install!.log.join('\n')).toBe(0);
  });
});

describe('the test image in qemu, its third boot: into the update', () => {
  let third: Boot;
  beforeAll(async () => {
    third = await bootAndReport('third');
  }, HOOK_TIMEOUT_MS);

  it('boots slot B, with the version installed into it, and marks it good once the agent is ready', () => {
    expect(third.run.qemuError).toBeUndefined();
    const status = raucStatus(third.report);
    expect(status.booted).toBe('B');
    const { version } = JSON.parse(readFileSync(join(IMAGE, 'sizes.json'), 'utf8')) as { version: string };
    expect(status.slots.find((s) => s.bootname === 'B')).toMatchObject({ state: 'booted', bootStatus: 'good', version });
    expect(status.slots.find((s) => s.bootname === 'A')?.bootStatus).toBe('good');
  });

  it('has the agent ready and every unit active, the boot unit first', () => {
    expect([...completenessProblems(third.report), ...bootOrderProblems(third.report), ...agentProblems(third.report), ...unitProblems(third.report, CHECKED_UNITS)], third.report.journal.join('\n')).toEqual([]);
  });
});

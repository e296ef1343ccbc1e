// `make image-test`: the test image (image/build.ts --test, built by make first) booted in qemu
// (test/image/qemu.ts) and checked from the boot report its test-only unit prints on the serial
// console (image/imageReport.sh, image/bootReport.ts). Its figures (sizes, boot to "agent ready",
// resident memory of the agent and the web UI) go to bench/results/image.json, the console to
// image/out/image-test-first.log.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentProblems, bootOrderProblems, completenessProblems, monotonicSeconds, parseBootReport, unitProblems, type BootReport } from '../../image/bootReport.ts';
import { ENABLED_UNITS } from '../../image/units.ts';
import { boot, createVm, type VmRun } from './qemu.ts';

const REPO = join(import.meta.dirname, '..', '..');
const IMAGE = join(REPO, 'image', 'out', 'image-test');
/** Software emulation reaches the report's end in about 3.5 min here; KVM in well under one. */
const BOOT_TIMEOUT_MS = 15 * 60_000;
const CHECKED_UNITS = [...ENABLED_UNITS, 'network-pre.target'];

let dir: string;
let run: VmRun;
let report: BootReport;

/** The figures bench/results/image.json keeps of the boot. */
function recordFigures(): void {
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
  const vm = await createVm(join(IMAGE, 'disk.img'), dir);
  run = await boot(vm, 'first', BOOT_TIMEOUT_MS);
  writeFileSync(join(REPO, 'image', 'out', 'image-test-first.log'), run.console);
  report = parseBootReport(run.console);
  if (report.complete) recordFigures();
}, BOOT_TIMEOUT_MS + 5 * 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A failure below names what went wrong; the console is in image/out/image-test-first.log.
describe('the test image booted in qemu', () => {
  it('runs its report to the end and powers off by itself', () => {
    expect(run.qemuError).toBeUndefined();
    expect(completenessProblems(report)).toEqual([]);
  });

  it('finishes the boot unit before the network comes up and before any networked unit starts', () => {
    expect(bootOrderProblems(report)).toEqual([]);
  });

  it('has the agent tell systemd it is ready, with no restart', () => {
    expect(agentProblems(report), report.journal.join('\n')).toEqual([]);
  });

  it('has every unit active and none failed', () => {
    expect(unitProblems(report, CHECKED_UNITS), report.journal.join('\n')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { checkFits, partition, planDisk, renderSfdiskScript, SECTOR } from '../../../image/partitions.ts';

const MIB = 1024 * 1024;

describe('the disk plan', () => {
  it('lays out the ESP, both slots and the data partition in order, each on a MiB boundary, with room for both GPTs', () => {
    const plan = planDisk({ espMiB: 32, slotMiB: 512, dataMiB: 256 });
    expect(plan.partitions.map((p) => [p.name, p.offset / MIB, p.size / MIB])).toEqual([
      ['esp', 1, 32],
      ['rootfs-a', 33, 512],
      ['rootfs-b', 545, 512],
      ['data', 1057, 256],
    ]);
    // The backup GPT (33 sectors) fits in the last MiB.
    expect(plan.size / MIB).toBe(1057 + 256 + 1);
  });

  it('gives every partition its own fixed GUID, the same in every build', () => {
    const uuids = planDisk().partitions.map((p) => p.uuid);
    expect(new Set(uuids).size).toBe(4);
    expect(planDisk().partitions.map((p) => p.uuid)).toEqual(uuids);
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('renders an sfdisk script in sectors, the ESP typed as such and the slots as plain Linux filesystems', () => {
    const plan = planDisk({ espMiB: 2, slotMiB: 4, dataMiB: 8 });
    expect(renderSfdiskScript(plan)).toBe(`label: gpt
label-id: 7a1b0c00-0e5f-4d6b-9a2e-7469626f7800
unit: sectors
sector-size: 512
first-lba: 2048

start=2048, size=4096, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=7a1b0c00-0e5f-4d6b-9a2e-7469626f7801, name="esp"
start=6144, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=7a1b0c00-0e5f-4d6b-9a2e-7469626f7802, name="rootfs-a"
start=14336, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=7a1b0c00-0e5f-4d6b-9a2e-7469626f7803, name="rootfs-b"
start=22528, size=16384, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=7a1b0c00-0e5f-4d6b-9a2e-7469626f7804, name="data"
`);
    expect(plan.size / SECTOR).toBe(22528 + 16384 + 2048);
  });

  it('refuses sizes that are not whole MiB, in words', () => {
    expect(() => planDisk({ espMiB: 32, slotMiB: 0, dataMiB: 256 })).toThrow('slotMiB must be a whole number of MiB of at least 1, not 0');
    expect(() => planDisk({ espMiB: 1.5, slotMiB: 512, dataMiB: 256 })).toThrow('espMiB must be a whole number');
  });

  it('refuses a root filesystem that does not fit its slot, and takes one that fills it exactly', () => {
    const plan = planDisk();
    expect(() => checkFits(plan, 'rootfs-a', 512 * MIB + 1)).toThrow('the rootfs-a image is 512.0 MiB, larger than its 512 MiB partition');
    expect(() => checkFits(plan, 'rootfs-a', 512 * MIB)).not.toThrow();
    expect(partition(plan, 'data').size).toBe(256 * MIB);
  });
});

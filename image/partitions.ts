// The appliance disk's GPT layout, as a pure plan: an EFI system partition (GRUB, its config and
// the grub environment, outside both slots), the root filesystem slots A and B (one squashfs
// each, RAUC writes the other one), and the data partition both slots share (/var/lib/tibox).
// Partitions are found by their fixed unique GUIDs (PARTUUID), the same on every box: the kernel
// command line, RAUC's slots and fstab name them, whatever the disk is called (sda, vda, nvme0n1).

export const SECTOR = 512;
const MIB = 1024 * 1024;
/** Every partition starts on a MiB boundary, as flash and 4K-sector disks want. */
const ALIGN = MIB;
/** The primary GPT (protective MBR, header, 128 entries) fits in the first MiB, the backup in the last. */
const GPT_RESERVED = MIB;

export type PartitionName = 'esp' | 'rootfs-a' | 'rootfs-b' | 'data';

export interface Partition {
  readonly name: PartitionName;
  /** Byte offset from the start of the disk. */
  readonly offset: number;
  readonly size: number;
  /** GPT partition type GUID. */
  readonly type: string;
  /** GPT unique partition GUID: the kernel's PARTUUID. */
  readonly uuid: string;
}

export interface DiskPlan {
  readonly size: number;
  readonly diskGuid: string;
  readonly partitions: readonly Partition[];
}

export interface DiskSizes {
  espMiB: number;
  slotMiB: number;
  dataMiB: number;
}

/** Enough for a 250 MB squashfs with room to grow; the ESP holds GRUB only (the kernels live in the slots). */
export const DEFAULT_SIZES: DiskSizes = { espMiB: 32, slotMiB: 512, dataMiB: 256 };

const TYPE = {
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  // Plain "Linux filesystem", not the x86-64 root type: systemd's GPT auto-mounting must not pick a slot itself.
  linux: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
} as const;

/** Fixed GUIDs: the image is the same for every box, and its configs name the partitions by them. */
export const PARTUUID: Readonly<Record<PartitionName, string>> = {
  esp: '7a1b0c00-0e5f-4d6b-9a2e-7469626f7801',
  'rootfs-a': '7a1b0c00-0e5f-4d6b-9a2e-7469626f7802',
  'rootfs-b': '7a1b0c00-0e5f-4d6b-9a2e-7469626f7803',
  data: '7a1b0c00-0e5f-4d6b-9a2e-7469626f7804',
};
const DISK_GUID = '7a1b0c00-0e5f-4d6b-9a2e-7469626f7800';

/** The partitions in disk order, each aligned, with the GPT's own space before and after. */
export function planDisk(sizes: DiskSizes = DEFAULT_SIZES): DiskPlan {
  for (const [key, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${key} must be a whole number of MiB of at least 1, not ${String(value)}`);
  }
  const wanted: readonly [PartitionName, number, string][] = [
    ['esp', sizes.espMiB, TYPE.esp],
    ['rootfs-a', sizes.slotMiB, TYPE.linux],
    ['rootfs-b', sizes.slotMiB, TYPE.linux],
    ['data', sizes.dataMiB, TYPE.linux],
  ];
  let offset = GPT_RESERVED;
  const partitions = wanted.map(([name, mib, type]) => {
    const partition = { name, offset, size: mib * MIB, type, uuid: PARTUUID[name] };
    offset = Math.ceil((offset + partition.size) / ALIGN) * ALIGN;
    return partition;
  });
  return { size: offset + GPT_RESERVED, diskGuid: DISK_GUID, partitions };
}

export function partition(plan: DiskPlan, name: PartitionName): Partition {
  const found = plan.partitions.find((p) => p.name === name);
  if (!found) throw new Error(`the disk plan has no partition ${name}`);
  return found;
}

/** The plan as an sfdisk script (sfdisk(8) input), which partitions a disk or an image file. */
export function renderSfdiskScript(plan: DiskPlan): string {
  const lines = [
    'label: gpt',
    `label-id: ${plan.diskGuid}`,
    'unit: sectors',
    `sector-size: ${SECTOR}`,
    `first-lba: ${GPT_RESERVED / SECTOR}`,
    '',
    ...plan.partitions.map((p) => `start=${p.offset / SECTOR}, size=${p.size / SECTOR}, type=${p.type}, uuid=${p.uuid}, name="${p.name}"`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Refuses, in words, a filesystem image that does not fit its partition: nothing is written then. */
export function checkFits(plan: DiskPlan, name: PartitionName, bytes: number): void {
  const p = partition(plan, name);
  if (bytes > p.size) {
    throw new Error(`the ${name} image is ${(bytes / MIB).toFixed(1)} MiB, larger than its ${p.size / MIB} MiB partition`);
  }
}

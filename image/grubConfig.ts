// GRUB's config on the EFI system partition: it chooses a root filesystem slot by RAUC's GRUB
// boot counting (RAUC's docs/integration.rst) and boots the kernel and initramfs inside that
// slot's squashfs, so a slot is one file that RAUC writes whole.
//
// The grub environment (ORDER, <slot>_OK, <slot>_TRY) lives on the ESP, outside both slots. RAUC
// writes it: `set-primary` puts a slot first with OK=1 TRY=0, `mark-good` sets OK=1 TRY=0,
// `mark-bad` OK=0. At each boot GRUB takes the first slot in ORDER that is good and not yet tried,
// and sets its TRY=1 before booting it: a slot that is not marked good in that boot (the agent's
// health commit after an update, tibox-slot-good.service otherwise) is passed over at the next,
// and the other slot boots. If every good slot has been tried (power cuts before the marking),
// the first good one boots again, and if none is good the first in ORDER: a box never stays in
// its bootloader.
import { PARTUUID, type PartitionName } from './partitions.ts';

export const SLOTS = ['A', 'B'] as const;
export type SlotName = (typeof SLOTS)[number];

export const SLOT_PARTITION: Readonly<Record<SlotName, PartitionName>> = { A: 'rootfs-a', B: 'rootfs-b' };
/** GPT partition numbers of the slots (partitions.ts's order: ESP 1, A 2, B 3, data 4). */
const SLOT_GPT_INDEX: Readonly<Record<SlotName, number>> = { A: 2, B: 3 };

/** Where GRUB reads its config and environment, relative to the ESP's root. */
export const GRUB_DIR_ON_ESP = '/EFI/BOOT';
/** Where the running system mounts the ESP, for RAUC to write the grub environment. */
export const ESP_MOUNT = '/boot/efi';
export const GRUBENV_PATH = `${ESP_MOUNT}${GRUB_DIR_ON_ESP}/grubenv`;

/** The kernel and initramfs inside each slot, as plain files (GRUB reads them from the squashfs). */
export const KERNEL_IN_SLOT = '/boot/vmlinuz';
export const INITRD_IN_SLOT = '/boot/initrd.img';

/** What GRUB's EFI image carries built in; nothing else is loaded from disk. */
export const GRUB_MODULES = [
  'part_gpt', 'fat', 'squash4', 'normal', 'configfile', 'linux', 'boot', 'echo', 'test', 'regexp',
  'loadenv', 'sleep', 'reboot', 'serial', 'terminal', 'efi_gop', 'all_video',
] as const;

export interface GrubConfigOptions {
  /** Kernel arguments besides root, the slot and the read-only squashfs (console, log level). */
  kernelArgs: readonly string[];
}

function slotCase(variable: string, body: (slot: SlotName) => string): string {
  return SLOTS.map((slot) => `    if [ "$${variable}" = ${slot} ]; then ${body(slot)}; fi`).join('\n');
}

export function renderGrubConfig(o: GrubConfigOptions): string {
  const env = `$prefix/grubenv`;
  const vars = SLOTS.flatMap((s) => [`${s}_OK`, `${s}_TRY`]);
  const boot = SLOTS.map((slot) => {
    const args = [`root=PARTUUID=${PARTUUID[SLOT_PARTITION[slot]]}`, 'rootfstype=squashfs', 'ro', `rauc.slot=${slot}`, ...o.kernelArgs].join(' ');
    return `if [ "$slot" = ${slot} ]; then
  set ${slot}_TRY=1
  save_env --file ${env} ${vars.join(' ')}
  echo "tibox: booting slot ${slot}"
  linux ($disk,gpt${SLOT_GPT_INDEX[slot]})${KERNEL_IN_SLOT} ${args}
  initrd ($disk,gpt${SLOT_GPT_INDEX[slot]})${INITRD_IN_SLOT}
  boot
fi`;
  }).join('\n');
  return `# tibox: RAUC's boot counting over slots ${SLOTS.join(' and ')} (image/grubConfig.ts renders this).
set timeout=0
# Until the environment says otherwise (it is missing or unreadable): a fresh disk's.
set ORDER="${initialGrubEnv().ORDER}"
${Object.entries(initialGrubEnv()).filter(([k]) => k !== 'ORDER').map(([k, v]) => `set ${k}=${v}`).join('\n')}
load_env --file ${env} ORDER ${vars.join(' ')}
# The disk GRUB was loaded from ($root is "hd0,gpt1"): the slots are its other partitions.
regexp --set=1:disk '^([^,]+),' "$root"

set slot=
# 1: the first good slot not yet tried since it was last marked good.
for s in $ORDER; do
  if [ -z "$slot" ]; then
${slotCase('s', (slot) => `if [ "$${slot}_OK" = 1 ]; then if [ "$${slot}_TRY" = 0 ]; then set slot=${slot}; fi; fi`)}
  fi
done
# 2: every good slot was tried and not confirmed (power cuts): the first good one again.
for s in $ORDER; do
  if [ -z "$slot" ]; then
${slotCase('s', (slot) => `if [ "$${slot}_OK" = 1 ]; then set slot=${slot}; fi`)}
  fi
done
# 3: none is good: the first in ORDER rather than no system at all.
for s in $ORDER; do
  if [ -z "$slot" ]; then set slot=$s; fi
done

${boot}
echo "tibox: no bootable slot in ORDER=$ORDER; rebooting"
sleep 10
reboot
`;
}

/** A fresh grub environment: slot A first and good, B empty (a fresh disk has the image in A only). */
export function initialGrubEnv(): Record<string, string> {
  return { ORDER: 'A B', A_OK: '1', A_TRY: '0', B_OK: '0', B_TRY: '0' };
}

import { describe, expect, it } from 'vitest';
import { GRUB_MODULES, initialGrubEnv, renderGrubConfig } from '../../../image/grubConfig.ts';
import { PARTUUID } from '../../../image/partitions.ts';

const cfg = renderGrubConfig({ kernelArgs: ['console=ttyS0,115200'] });

describe("GRUB's config", () => {
  it('reads and writes the grub environment beside itself on the ESP, the same variables RAUC writes', () => {
    expect(cfg).toContain('load_env --file $prefix/grubenv ORDER A_OK A_TRY B_OK B_TRY\n');
    expect(cfg.match(/save_env --file \$prefix\/grubenv A_OK A_TRY B_OK B_TRY/g)).toHaveLength(2);
  });

  it('counts a try before it boots a slot, and boots the kernel inside that slot with the slot named for RAUC', () => {
    const a = cfg.slice(cfg.indexOf('if [ "$slot" = A ]; then'), cfg.indexOf('if [ "$slot" = B ]; then'));
    expect(a.indexOf('set A_TRY=1')).toBeLessThan(a.indexOf('save_env'));
    expect(a.indexOf('save_env')).toBeLessThan(a.indexOf('linux '));
    expect(a).toContain(`linux ($disk,gpt2)/boot/vmlinuz root=PARTUUID=${PARTUUID['rootfs-a']} rootfstype=squashfs ro rauc.slot=A console=ttyS0,115200\n`);
    expect(a).toContain('initrd ($disk,gpt2)/boot/initrd.img\n');
    expect(cfg).toContain(`linux ($disk,gpt3)/boot/vmlinuz root=PARTUUID=${PARTUUID['rootfs-b']} rootfstype=squashfs ro rauc.slot=B`);
  });

  it('prefers a good untried slot, then any good slot, then the first in ORDER, and never stays in GRUB', () => {
    const passes = ['$A_OK" = 1 ]; then if [ "$A_TRY" = 0 ]', 'if [ "$A_OK" = 1 ]; then set slot=A; fi', 'if [ -z "$slot" ]; then set slot=$s; fi'];
    const at = passes.map((p) => cfg.indexOf(p));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    expect(cfg.trimEnd().endsWith('reboot')).toBe(true);
  });

  it('starts from a fresh disk: slot A good and first, slot B empty', () => {
    expect(initialGrubEnv()).toEqual({ ORDER: 'A B', A_OK: '1', A_TRY: '0', B_OK: '0', B_TRY: '0' });
    expect(cfg).toContain('set ORDER="A B"\nset A_OK=1\nset A_TRY=0\nset B_OK=0\nset B_TRY=0\nload_env');
  });

  it('has every command it uses built into the EFI image', () => {
    for (const module of ['loadenv', 'regexp', 'squash4', 'part_gpt', 'fat', 'linux', 'sleep', 'reboot']) expect(GRUB_MODULES).toContain(module);
  });
});

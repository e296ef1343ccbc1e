import { describe, expect, it } from 'vitest';
import { renderRaucSystemConf } from '../../../image/raucConfig.ts';
import { PARTUUID } from '../../../image/partitions.ts';

describe("RAUC's system config", () => {
  it('names both slots by PARTUUID with their GRUB boot names, the grub environment on the ESP, the pinned CA and the box\'s pre-install handler', () => {
    expect(renderRaucSystemConf({ compatible: 'tibox-amd64' })).toBe(`# tibox (image/raucConfig.ts renders this)
[system]
compatible=tibox-amd64
bootloader=grub
grubenv=/boot/efi/EFI/BOOT/grubenv
statusfile=/var/lib/tibox/rauc.status
# Only verity bundles: each block is checked as it is read, not once before the install.
bundle-formats=-plain

[keyring]
path=/etc/rauc/update-ca.pem
check-purpose=codesign

[handlers]
pre-install=/usr/lib/tibox/bin/tibox-rauc-pre-install

[slot.rootfs.0]
device=/dev/disk/by-partuuid/${PARTUUID['rootfs-a']}
type=raw
bootname=A

[slot.rootfs.1]
device=/dev/disk/by-partuuid/${PARTUUID['rootfs-b']}
type=raw
bootname=B
`);
  });

  it('refuses a compatible that would not survive the config format, in words', () => {
    expect(() => renderRaucSystemConf({ compatible: 'tibox\n[keyring]' })).toThrow(/the RAUC compatible must be letters, digits/);
  });
});

// RAUC's system config in the image (/etc/rauc/system.conf): the two root filesystem slots by
// their fixed PARTUUIDs, GRUB's boot counting through the grub environment on the ESP, the pinned
// update CA as the only keyring, and RAUC's status on the data partition both slots share, so the
// slots' versions and install times survive an update and a rollback. The box's pre-install
// handler judges each verified bundle's version against the agent's install permit before RAUC
// writes a slot (src/updater/rauc/installPermit.ts).
import { GRUBENV_PATH, SLOT_PARTITION, SLOTS } from './grubConfig.ts';
import { PARTUUID } from './partitions.ts';
import { INSTALL_DIR } from './units.ts';

export const RAUC_KEYRING = '/etc/rauc/update-ca.pem';
export const RAUC_STATUS_FILE = '/var/lib/tibox/rauc.status';

export interface RaucConfigOptions {
  /** Bundles of another compatible are refused. */
  compatible: string;
}

export function renderRaucSystemConf(o: RaucConfigOptions): string {
  if (!/^[A-Za-z0-9._-]+$/.test(o.compatible)) throw new Error(`the RAUC compatible must be letters, digits, '.', '_' or '-', not "${o.compatible}"`);
  const slots = SLOTS.map((slot, i) => `[slot.rootfs.${i}]
device=/dev/disk/by-partuuid/${PARTUUID[SLOT_PARTITION[slot]]}
type=raw
bootname=${slot}
`);
  return `# tibox (image/raucConfig.ts renders this)
[system]
compatible=${o.compatible}
bootloader=grub
grubenv=${GRUBENV_PATH}
statusfile=${RAUC_STATUS_FILE}
# Only verity bundles: each block is checked as it is read, not once before the install.
bundle-formats=-plain

[keyring]
path=${RAUC_KEYRING}
check-purpose=codesign

[handlers]
pre-install=${INSTALL_DIR}/bin/tibox-rauc-pre-install

${slots.join('\n')}`;
}

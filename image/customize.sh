#!/bin/sh
# mmdebstrap's customize hook for the image's root filesystem (image/build.ts runs mmdebstrap with
# it, after our files are synced in): $1 is the root. The users, the units enabled and masked
# (TIBOX_ENABLE, TIBOX_MASK, from image/units.ts), the kernel's modules without the drivers a box
# never has, the initramfs that mounts a squashfs slot, the kernel and initramfs at the fixed paths
# GRUB reads, and what a read-only root needs.
set -eu
root=${1:?usage: customize.sh <root filesystem>}
in_root() { chroot "$root" "$@"; }

in_root groupadd --system tibox
# The web UI's own user, outside group tibox (docs/webui.md).
in_root useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tibox-web

# shellcheck disable=SC2086 # the lists are words
in_root systemctl enable $TIBOX_ENABLE
# shellcheck disable=SC2086
in_root systemctl mask $TIBOX_MASK

kernel=$(ls "$root"/boot/vmlinuz-* | tail -n 1)
version=${kernel##*/vmlinuz-}
# Drivers a box never has (graphics, sound, video, radio, Bluetooth, InfiniBand, staging): a third
# of the slot and of the squashfs's build time otherwise.
for dir in drivers/gpu drivers/media drivers/net/wireless drivers/bluetooth drivers/infiniband drivers/staging drivers/isdn sound net/bluetooth net/wireless net/mac80211; do
  rm -rf "$root/lib/modules/$version/kernel/$dir"
done
in_root depmod -a "$version"
# The initramfs with the modules file our files brought (squashfs, disk controllers).
in_root update-initramfs -u -k "$version"
cp "$kernel" "$root/boot/vmlinuz"
cp "$root/boot/initrd.img-$version" "$root/boot/initrd.img"

# Read-only root: the agent writes the resolvers' file in its runtime directory; the machine ID
# lives in memory (systemd mounts one over the empty file).
ln -sfn /run/tibox/resolv.conf "$root/etc/resolv.conf"
# mmdebstrap copies the build machine's name and hosts file: the box's own instead.
echo tibox >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttibox\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# Mount points: the data partition (the agent's alone), the ESP, the web UI's bound state.
install -d -m 0700 "$root/var/lib/tibox"
install -d -m 0700 "$root/boot/efi"
install -d -m 0700 "$root/var/lib/tibox-web"
rm -rf "$root/var/cache/apt" "$root/var/lib/apt/lists"
# What systemd-tmpfiles would create at boot on the read-only root is created now; the places in
# memory (/run, /tmp, /var/tmp, /var/log) get theirs at each boot.
chroot "$root" systemd-tmpfiles --create --exclude-prefix=/dev --exclude-prefix=/proc --exclude-prefix=/sys \
  --exclude-prefix=/run --exclude-prefix=/tmp --exclude-prefix=/var/tmp --exclude-prefix=/var/log ||
  echo "customize.sh: systemd-tmpfiles could not create everything in the root filesystem (exit $?)" >&2
# Nothing to update at boot: /etc and /var are as new as /usr (ConditionNeedsUpdate).
touch "$root/etc/.updated" "$root/var/.updated"

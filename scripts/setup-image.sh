#!/usr/bin/env bash
# Installs the Debian packages that `make image` and `make image-test` need besides those of
# scripts/setup.sh, and nothing twice: mmdebstrap for the root filesystem (from deb.debian.org),
# squashfs and ext4 and FAT tools, sfdisk, GRUB's EFI modules, RAUC for the bundle, qemu and OVMF
# for the boot test.
set -euo pipefail
packages=(mmdebstrap squashfs-tools e2fsprogs dosfstools mtools fdisk grub-efi-amd64-bin grub-common rauc openssl qemu-system-x86 ovmf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-image: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

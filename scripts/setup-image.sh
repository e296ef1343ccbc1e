#!/usr/bin/env bash
# Installs the Debian packages that `make image` and `make image-test` need besides those of
# scripts/setup.sh, and nothing twice: mmdebstrap for the root filesystem (from deb.debian.org),
# squashfs and ext4 and FAT tools, sfdisk, GRUB's EFI modules, RAUC for the bundle, qemu and OVMF
# for the boot test.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/debian-packages.sh
. scripts/debian-packages.sh
packages=(mmdebstrap squashfs-tools e2fsprogs dosfstools mtools fdisk grub-efi-amd64-bin grub-common rauc openssl qemu-system-x86 ovmf)
install_missing_packages setup-image "${packages[@]}"

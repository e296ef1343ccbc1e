#!/usr/bin/env bash
# `make bundle`: packs a directory (by default the agent's build/ and launchers, with package.json
# naming the bundle's version) as the image of one slot and makes it a signed RAUC bundle of the
# `plain` format. The signing certificate and key are given, never kept in the repository; the
# box's keyring (its pinned update CA) decides whether it takes the bundle. RAUC rewrites the
# manifest where it builds, so it builds in a copy.
#
#   scripts/bundle.sh --cert SIGNER.pem --key SIGNER.key --out FILE.raucb
#                     [--version V] [--compatible C] [--payload DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

cert='' key='' out='' payload='' version='' compatible='tibox'
while [ $# -gt 0 ]; do
  case "$1" in
    --cert) cert=$2 ;;
    --key) key=$2 ;;
    --out) out=$2 ;;
    --payload) payload=$2 ;;
    --version) version=$2 ;;
    --compatible) compatible=$2 ;;
    *) echo "bundle: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$cert" ] && [ -n "$key" ] || { echo 'bundle: needs the update signing certificate and key (--cert, --key; make bundle SIGNING_CERT=... SIGNING_KEY=...)' >&2; exit 2; }
[ -n "$out" ] || { echo 'bundle: needs --out FILE.raucb' >&2; exit 2; }
[ -n "$version" ] || version=$(node -p 'require("./package.json").version')
# Versions are compared as semantic versions on the box; anything else would never compare.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "bundle: version must be MAJOR.MINOR.PATCH, not '$version'" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/content"
if [ -n "$payload" ]; then
  cp -a "$payload/." "$work/root/"
else
  [ -d build ] || { echo 'bundle: no build/; run make build first' >&2; exit 2; }
  cp -aL build "$work/root/build"
  # The launchers belong to the system they start; the agent reads its version from package.json.
  cp -a bin "$work/root/bin"
  sed -E "0,/\"version\": *\"[^\"]*\"/s//\"version\": \"$version\"/" package.json > "$work/root/package.json"
fi
printf '%s\n' "$version" > "$work/root/VERSION"
mksquashfs "$work/root" "$work/content/rootfs.img" -quiet -noappend -all-root >/dev/null
cat > "$work/content/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version

[bundle]
format=plain

[image.rootfs]
filename=rootfs.img
MANIFEST
rm -f "$out"
rauc bundle --cert="$cert" --key="$key" "$work/content" "$out" >/dev/null
echo "bundle: $out (version $version, compatible $compatible)"

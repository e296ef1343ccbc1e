#!/bin/sh
# Test builds only (image/build.ts --test installs it, `make image-test` reads it): once the
# agent, the web UI and the slot marking are up, or after 240 s, prints on the serial console what
# the test checks, one `tibox-report: ` line each, and powers the machine off. Never in a shipped
# image: it is no login, but a box has no hidden functions.
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
say "end"
systemctl poweroff

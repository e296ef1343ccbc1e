#!/bin/sh
# charon's updown hook on a lab datacenter gateway: while a box's CHILD_SA is up, route the box's
# TI segment from the datacenter core to this gateway (as BGP would); withdraw it when the last
# one goes. A gateway may hold a box's stale SA beside its new one (the box moved on without a
# DELETE reaching it): the route is counted per CHILD_SA, so the stale one's deletion minutes
# later leaves the new one's route in place. A count, not a set of SA ids: an IKE rekey moves the
# CHILD_SA to an IKE_SA with another PLUTO_UNIQUEID, and charon runs no updown for rekeys.
# Arguments: core namespace, this gateway's address on the core network, route metric, the count
# file (the lab removes it whenever the gateway's charon starts or dies).
core="$1" via="$2" metric="$3" count="$4"
route="$PLUTO_PEER_CLIENT via $via metric $metric"
exec 9>>"$count.lock"
flock 9
n=$(cat "$count" 2>/dev/null || echo 0)
case "$PLUTO_VERB" in
  up-client)
    ip -n "$core" route replace $route
    echo $((n + 1)) >"$count"
    ;;
  down-client)
    [ "$n" -gt 0 ] && n=$((n - 1))
    echo "$n" >"$count"
    if [ "$n" -eq 0 ]; then ip -n "$core" route del $route 2>/dev/null || true; fi
    ;;
esac
exit 0

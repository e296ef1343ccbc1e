#!/bin/sh
# charon's updown hook on a lab datacenter gateway: while a box's CHILD_SA is up, route the box's
# TI segment from the datacenter core to this gateway (as BGP would); withdraw it when it goes.
# Arguments: core namespace, this gateway's address on the core network, route metric.
core="$1" via="$2" metric="$3"
case "$PLUTO_VERB" in
  up-client) ip -n "$core" route replace "$PLUTO_PEER_CLIENT" via "$via" metric "$metric" ;;
  down-client) ip -n "$core" route del "$PLUTO_PEER_CLIENT" via "$via" metric "$metric" 2>/dev/null || true ;;
esac
exit 0

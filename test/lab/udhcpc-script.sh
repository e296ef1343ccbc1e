#!/bin/sh
# busybox udhcpc hook for lab hosts: apply the lease inside the host's namespace only (never
# touch the machine's /etc/resolv.conf, which all namespaces share).
case "$1" in
  deconfig) ip addr flush dev "$interface" scope global ;;
  bound|renew)
    ip addr replace "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
    ;;
esac
exit 0

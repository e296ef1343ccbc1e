#!/bin/sh
# busybox udhcpc hook for the dnsmasq tests: prints the lease it was offered instead of applying
# it, so a test sees exactly what the DHCP server handed out (and which server it was).
[ "$1" = bound ] && echo "lease ip=$ip mask=$mask router=$router dns=$dns serverid=$serverid lease=$lease"
exit 0

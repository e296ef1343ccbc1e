// TCP's maximum segment size that fits the tunnel: its MTU less the IPv4 and TCP headers
// without options. The firewall clamps SYN and SYN-ACK to it in both directions.

const IPV4_AND_TCP_HEADERS = 40;

export function mssFor(tunnelMtu: number): number {
  return tunnelMtu - IPV4_AND_TCP_HEADERS;
}

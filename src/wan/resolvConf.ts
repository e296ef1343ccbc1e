// The resolvers the box itself uses (gateway names, time), as resolv.conf text. The agent writes
// it atomically to its own file (/run/tibox/resolv.conf, which the box's /etc/resolv.conf links
// to), never to a file of the system it runs on.

export function renderResolvConf(resolvers: readonly string[]): string {
  return ['# tibox: the WAN\'s name servers, written by the agent', ...resolvers.map((r) => `nameserver ${r}`)].join('\n') + '\n';
}

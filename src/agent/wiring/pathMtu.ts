// The path MTU watch: learns the internet line's path MTU towards the gateway in use, sets the
// libipsec device's MTU, and hands the tunnel's MTU to the data path, whose firewall clamps TCP's
// MSS to it. It follows `tunnel.wanMtu` at once.
import { NetlinkLinkMtus, netlinkPmtuCache, PathMtuWatch, pingDfProbe, type CharonLink, type MtuDecision } from '../../ipsec/index.ts';
import type { AgentContext } from './context.ts';

export function wirePathMtu(
  ctx: AgentContext,
  deps: { charon: CharonLink; kernel: { watch(onChange: () => void): () => void }; onChange: (decision: MtuDecision) => void },
): PathMtuWatch {
  const { options, config } = ctx;
  const watch = new PathMtuWatch({
    kernel: deps.kernel,
    vici: deps.charon.session,
    links: options.linkMtus ?? new NetlinkLinkMtus(),
    probe: pingDfProbe(options.runner),
    pmtuCache: netlinkPmtuCache(options.runner),
    wanPort: () => config.current().config.interfaces.wan,
    configured: () => config.current().config.tunnel.wanMtu,
    backend: () => deps.charon.backend(),
    health: ctx.health,
    log: ctx.logFor('path-mtu'),
    onChange: deps.onChange,
    now: ctx.now,
  });
  ctx.bus.on(watch, 'config.changed', () => watch.kick());
  // A fresh charon has a fresh device at 1400.
  deps.charon.session.on('connected', () => watch.kick());
  return watch;
}

// The VPN profile: imported, checked and held by ProfileService, which hands it to the tunnel
// first and to the data path after, and its management identity to remote management. Its
// resolver follows the WAN's name servers.
import { ProfileService, type ProfileServiceDeps, type TunnelController } from '../../ipsec/index.ts';
import type { DataPath } from '../dataPath.ts';
import type { AgentContext } from './context.ts';

export function wireProfile(
  ctx: AgentContext,
  deps: {
    tunnel: TunnelController;
    dataPath: DataPath;
    resolver: ProfileServiceDeps['resolver'];
    remoteManagement: ProfileServiceDeps['remoteManagement'];
    managementOverInternet: ProfileServiceDeps['managementOverInternet'];
  },
): ProfileService {
  const profile = new ProfileService({
    dataDir: ctx.options.dataDir,
    trustAnchorPath: ctx.options.profileTrustAnchor,
    health: ctx.health,
    tunnel: deps.tunnel,
    dataPath: deps.dataPath,
    resolver: deps.resolver,
    remoteManagement: deps.remoteManagement,
    managementOverInternet: deps.managementOverInternet,
    audit: ctx.audit,
    log: ctx.logFor('profile'),
    now: ctx.now,
  });
  profile.registerActions(ctx.actions);
  return profile;
}

// The TI routes as `ip -batch` lines, for the one moment the routes module is not running: the
// tunnel resumed at boot before the agent has started, whose updown script (bin/tibox-resume-updown)
// leads the saved prefixes into the tunnel with one `ip` process. The lines come from the same
// planner; each replaces its route by key, so running them twice changes nothing. Rules stay as
// boot and the routes module left them, and the routes module reconciles everything moments
// later, as it would after anyone else's change.
import type { TiRoutesDesired } from './model.ts';
import { routeText } from './model.ts';
import { planRoutes } from './plan.ts';

export function renderRouteBatch(desired: TiRoutesDesired): string {
  // No kernel facts here: a missing device or address makes `ip` refuse the batch instead.
  const path = desired.path;
  const facts = path.kind === 'unreachable' ? { links: [], linksDown: [], addresses: [] } : { links: [path.dev], linksDown: [], addresses: [path.src] };
  return planRoutes(desired, facts).routes.map((route) => `route replace ${routeText(route)}\n`).join('');
}

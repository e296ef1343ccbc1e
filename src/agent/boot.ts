// The boot unit's entry point (`tibox-boot`), run before any network interface comes up and
// before the agent starts: it loads the fail-closed state into the kernel so the box is closed
// from its first packet, whatever happens to the agent later: the baseline firewall, then
// unreachable routes for the TI prefixes the agent last applied.
import { parseArgs } from 'node:util';
import { createLogger } from './log.ts';
import { processRunner } from './runner.ts';
import { loadBootRoutes, NetlinkRouteKernel, NftLoader, renderRuleset } from '../firewall/index.ts';

const { values } = parseArgs({ options: { 'state-dir': { type: 'string', default: '/var/lib/tibox/state' } } });

const log = createLogger();
try {
  await new NftLoader(processRunner).load(renderRuleset(null));
  log.info('fail-closed baseline loaded');
  await loadBootRoutes(values['state-dir'], new NetlinkRouteKernel(), log);
} catch (error) {
  log.fatal({ err: error }, 'could not load the fail-closed state');
  process.exit(1);
}

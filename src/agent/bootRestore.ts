// What the boot unit runs (`tibox boot` in the image, src/agent/boot.ts from a checkout), before
// any network interface comes up and before the agent starts: it puts the last applied state back into the kernel, closed from the
// first packet whatever happens to the agent later, in five steps:
// 0. a network change whose confirmation deadline passed is rolled back first, its state files
//    with it (src/agent/pending/bootRollback.ts), so that the steps below load the confirmed
//    config's; never fatal: failing, the boot loads what the files hold;
// 1. the firewall: the ruleset the agent last loaded, or the fail-closed baseline when there is
//    none or it does not load (fatal only if even the baseline does not load);
// 2. the LAN side tibox owns: its addresses, the terminal bridge and its ports, so the agent's
//    tunnel resume finds the TI address it routes from (never fatal: it opens nothing);
// 3. the WAN as the agent last set it: its address (a DHCP lease while it lasts), the default
//    route and the resolvers' file, so the tunnel resume reaches the gateways (never fatal);
// 4. unreachable routes for the TI prefixes the agent last applied, until the tunnel is back.
// The state directory is `<data dir>/state`, as the agent keeps it: the database is beside it.
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, processRunner } from '../core/index.ts';
import { loadBootRoutes, loadBootRuleset, NetlinkRouteKernel, NftLoader } from '../firewall/index.ts';
import { NetlinkLanKernel, restoreBootLinks } from '../lan/index.ts';
import { NetlinkWanKernel, restoreBootWan } from '../wan/index.ts';
import { rollBackExpiredChange } from './pending/bootRollback.ts';

/** Restores the state from the command line's `--state-dir` and `--run-dir`; exits 1 when not even the baseline loads. */
export async function restoreAtBoot(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: { 'state-dir': { type: 'string', default: '/var/lib/tibox/state' }, 'run-dir': { type: 'string', default: '/run/tibox' } },
  });
  const stateDir = values['state-dir'];

  const log = createLogger();
  try {
    await rollBackExpiredChange(dirname(stateDir), stateDir, log);
  } catch (error) {
    log.error({ err: error }, 'expired network change not rolled back: the boot loads the state files as they are');
  }
  try {
    await loadBootRuleset(stateDir, new NftLoader(processRunner), log);
    await restoreBootLinks(stateDir, new NetlinkLanKernel(), log);
    await restoreBootWan(stateDir, join(values['run-dir'], 'resolv.conf'), new NetlinkWanKernel(), log);
    await loadBootRoutes(stateDir, new NetlinkRouteKernel(), log);
  } catch (error) {
    log.fatal({ err: error }, 'could not load the fail-closed state');
    process.exit(1);
  }
}

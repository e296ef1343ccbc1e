// The boot unit's entry point (`tibox-boot`), run before any network interface comes up and
// before the agent starts: it loads the fail-closed state into the kernel so the box is closed
// from its first packet, whatever happens to the agent later.
import { createLogger } from './log.ts';
import { processRunner } from './runner.ts';
import { NftLoader, renderBaselineRuleset } from '../firewall/index.ts';

const log = createLogger();
try {
  await new NftLoader(processRunner).load(renderBaselineRuleset());
  log.info('fail-closed baseline loaded');
} catch (error) {
  log.fatal({ err: error }, 'could not load the fail-closed baseline');
  process.exit(1);
}

// The firewall from the first packet after a boot: the Firewall subsystem saves every full
// ruleset the kernel took to `<stateDir>/ruleset.nft` (0600: it lists the practice's devices),
// and the boot unit loads it again before any interface comes up, so registered devices reach
// the TI as soon as the tunnel is back, without waiting for the agent. Fail closed: no file, or
// one that does not load (damaged, or naming what this kernel lacks), gives the baseline, which
// forwards nothing; the boot never ends without a tibox table.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/index.ts';
import type { NftLoader } from './nftLoader.ts';
import { renderRuleset, replacesTiboxTable } from './ruleset/index.ts';

export const RULESET_STATE_FILE = 'ruleset.nft';

export function rulesetStatePath(stateDir: string): string {
  return join(stateDir, RULESET_STATE_FILE);
}

/** Which ruleset the boot left in the kernel. */
export type BootRuleset = 'saved' | 'baseline';

/**
 * Loads the saved ruleset (`nft -c`, then `nft -f`), or the baseline when there is none or it
 * does not load. Throws only when even the baseline does not load.
 */
export async function loadBootRuleset(stateDir: string, nft: Pick<NftLoader, 'load'>, log: Logger): Promise<BootRuleset> {
  const path = rulesetStatePath(stateDir);
  const saved = await readSaved(path, log);
  if (saved !== undefined) {
    try {
      await nft.load(saved);
      log.info({ path }, 'saved ruleset loaded');
      return 'saved';
    } catch (error) {
      // nft -f is one transaction: a refused load left the kernel as it was.
      log.error({ err: error, path }, 'saved ruleset does not load: fail-closed baseline instead');
    }
  }
  await nft.load(renderRuleset(null));
  log.info('fail-closed baseline loaded');
  return 'baseline';
}

/** The saved ruleset, or undefined (and why, in the log) when there is none fit to load. */
async function readSaved(path: string, log: Logger): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') log.info({ path }, 'no saved ruleset: the agent never applied one here');
    else log.error({ err: error, path }, 'saved ruleset unreadable: fail-closed baseline instead');
    return undefined;
  }
  if (!replacesTiboxTable(text)) {
    log.error({ path }, 'saved ruleset does not replace the tibox table whole: fail-closed baseline instead');
    return undefined;
  }
  return text;
}

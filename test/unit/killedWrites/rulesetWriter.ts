// The firewall ruleset saved for the boot: a write is the Firewall subsystem's apply of one of two
// desired states (against a fake nft, so no root is needed), which saves the full ruleset through
// writeFileAtomic; the check is the boot's own step, loadBootRuleset, which must load A or B as
// saved. A second writer saves the same rulesets with a plain writeFile in place, the way the
// atomic helper exists to prevent: the kill test must find it broken.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadBootRuleset, rulesetStatePath } from '../../../src/firewall/bootRuleset.ts';
import { Firewall } from '../../../src/firewall/firewall.ts';
import { NftLoader } from '../../../src/firewall/nftLoader.ts';
import { renderRuleset } from '../../../src/firewall/ruleset/index.ts';
import { memoryLogger } from '../control/helpers.ts';
import { FakeNft, NO_HEALTH, NO_MONITOR } from '../firewall/fakeNft.ts';
import { ONE_PVS_ONE_TERMINAL, withPvsHosts } from '../firewall/firewallDesired.ts';
import { broken, reading, type KilledWriter, type StateName } from './writers.ts';

const DESIRED = { A: ONE_PVS_ONE_TERMINAL, B: withPvsHosts(40) };
const RULESETS: Record<StateName, string> = { A: renderRuleset(DESIRED.A), B: renderRuleset(DESIRED.B) };

export const rulesetWriter: KilledWriter = {
  async open(dir) {
    const firewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(new FakeNft()), stateDir: dir, log: memoryLogger().log });
    return { write: (state) => firewall.apply(DESIRED[state]), close: async () => undefined };
  },

  check: (dir) =>
    reading(async () => {
      const nft = new FakeNft();
      const { log, lines } = memoryLogger();
      if ((await loadBootRuleset(dir, new NftLoader(nft), log)) === 'baseline') {
        if (!existsSync(rulesetStatePath(dir))) return 'none';
        return broken(`the boot fell back to the baseline: ${lines().map((l) => String(l.msg)).join('; ')}`);
      }
      const state = (['A', 'B'] as const).find((s) => nft.table === RULESETS[s]);
      return state ?? broken(`the boot loaded a saved ruleset that is neither state (${nft.table?.length} characters)`);
    }),

  async tear(dir) {
    // B written in place over A and killed halfway.
    await writeFile(rulesetStatePath(dir), RULESETS.B.slice(0, RULESETS.B.length / 2));
  },
};

export const rulesetInPlaceWriter: KilledWriter = {
  ...rulesetWriter,
  async open(dir) {
    return { write: (state) => writeFile(rulesetStatePath(dir), RULESETS[state], { mode: 0o600 }), close: async () => undefined };
  },
};

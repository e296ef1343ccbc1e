// The boot's firewall step against a fake nft: it loads the ruleset the Firewall subsystem saved
// (checked first), and the fail-closed baseline when there is none, when the file is not a whole
// tibox table, or when nft refuses it; only a baseline that does not load either is fatal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Firewall, loadBootRuleset, NftLoader, renderRuleset, RULESET_STATE_FILE } from '../../../src/firewall/index.ts';
import { replacesTiboxTable } from '../../../src/firewall/ruleset/index.ts';
import { memoryLogger } from '../control/helpers.ts';
import { FakeNft, NO_HEALTH, NO_MONITOR } from './fakeNft.ts';
import { ONE_PVS_ONE_TERMINAL } from './firewallDesired.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-fwboot-'));
  dirs.push(dir);
  const stateDir = join(dir, 'state');
  const nft = new FakeNft();
  const { log, lines } = memoryLogger();
  const boot = () => loadBootRuleset(stateDir, new NftLoader(nft), log);
  const save = (text: string) => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, RULESET_STATE_FILE), text);
  };
  const messages = () => lines().map((l) => `${String(l.level)} ${String(l.msg)}`);
  return { stateDir, nft, boot, save, messages };
}

describe('loadBootRuleset', () => {
  it('loads exactly the ruleset the agent last applied, checked first', async () => {
    const { stateDir, nft, boot } = setup();
    await new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(new FakeNft()), stateDir, log: memoryLogger().log }).apply(ONE_PVS_ONE_TERMINAL);
    expect(await boot()).toBe('saved');
    expect(nft.calls).toEqual(['nft -c -f -', 'nft -f -']);
    expect(nft.table).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
  });

  it('loads the baseline when nothing was saved, and says why', async () => {
    const { nft, boot, messages } = setup();
    expect(await boot()).toBe('baseline');
    expect(nft.table).toBe(renderRuleset(null));
    expect(messages()).toEqual(['30 no saved ruleset: the agent never applied one here', '30 fail-closed baseline loaded']);
  });

  it('loads the baseline instead of a saved ruleset that nft refuses', async () => {
    const { nft, boot, save, messages } = setup();
    const saved = renderRuleset(ONE_PVS_ONE_TERMINAL);
    save(saved);
    nft.refuse = (ruleset) => ruleset === saved;
    expect(await boot()).toBe('baseline');
    expect(nft.calls).toEqual(['nft -c -f -', 'nft -c -f -', 'nft -f -']);
    expect(nft.table).toBe(renderRuleset(null));
    expect(messages()).toEqual(['50 saved ruleset does not load: fail-closed baseline instead', '30 fail-closed baseline loaded']);
  });

  it.each([
    ['empty', ''],
    ['cut short', renderRuleset(ONE_PVS_ONE_TERMINAL).slice(0, 30)],
    ['another table', 'table inet other {\n}\n'],
    ['the table added to, not replaced', 'table inet tibox {\n  chain forward {\n  }\n}\n'],
  ])('loads the baseline instead of a saved file that does not replace the tibox table whole (%s), without trying it', async (_name, text) => {
    const { nft, boot, save, messages } = setup();
    save(text);
    expect(await boot()).toBe('baseline');
    expect(nft.table).toBe(renderRuleset(null));
    expect(nft.calls).toEqual(['nft -c -f -', 'nft -f -']);
    expect(messages()[0]).toBe('50 saved ruleset does not replace the tibox table whole: fail-closed baseline instead');
  });

  it('fails when even the baseline does not load', async () => {
    const { nft, boot } = setup();
    nft.refuse = true;
    await expect(boot()).rejects.toThrow('Could not process rule');
  });
});

describe('replacesTiboxTable', () => {
  it('holds for every rendered ruleset, the baseline included', () => {
    expect(replacesTiboxTable(renderRuleset(null))).toBe(true);
    expect(replacesTiboxTable(renderRuleset(ONE_PVS_ONE_TERMINAL))).toBe(true);
  });
});

// The Firewall subsystem against a fake nft: each load is `nft -c` then `nft -f` of the same
// text, a repeat apply runs nothing, a refused desired state runs nothing and changes nothing
// (neither the kernel nor what `firewall.print` answers), and a failed load leaves it failed.
import { describe, expect, it } from 'vitest';
import { ControlActions } from '../../../src/agent/control/actions.ts';
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/agent/runner.ts';
import { Firewall, NftLoader, renderRuleset } from '../../../src/firewall/index.ts';
import { memoryLogger } from '../control/helpers.ts';
import { ONE_PVS_ONE_TERMINAL, PVS } from './firewallDesired.ts';

/** Records each nft call as `nft <args>` with its stdin; a `-f` load replaces the "kernel" table. */
class FakeNft implements Runner {
  readonly calls: string[] = [];
  table: string | undefined;
  refuse = false;

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push([command, ...args].join(' '));
    if (this.refuse) throw new CommandError(command, args, 1, 'Error: Could not process rule', false, null);
    if (args[0] === '-f') this.table = String(options.input);
    return { stdout: '', stderr: '', code: 0 };
  }
}

function setup() {
  const nft = new FakeNft();
  const firewall = new Firewall({ nft: new NftLoader(nft), log: memoryLogger().log });
  const actions = new ControlActions();
  firewall.registerActions(actions);
  const print = async () => ((await actions.run('firewall.print', {}, { actor: 'test' })) as { ruleset: string }).ruleset;
  return { nft, firewall, print };
}

describe('Firewall', () => {
  it('checks, then loads the rendered ruleset; a repeat apply runs nothing', async () => {
    const { nft, firewall } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(nft.calls).toEqual(['nft -c -f -', 'nft -f -']);
    expect(nft.table).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    await firewall.apply(structuredClone(ONE_PVS_ONE_TERMINAL));
    expect(nft.calls).toHaveLength(2);
  });

  it('refuses a bad desired state before running anything and keeps what it had', async () => {
    const { nft, firewall, print } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    await expect(firewall.apply({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, mac: 'not-a-mac' }] })).rejects.toMatchObject({
      code: 'TIBOX_FIREWALL_INVALID',
    });
    expect(nft.calls).toHaveLength(2);
    expect(await print()).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    expect(firewall.status().state).toBe('running');
  });

  it('reports failed when nft refuses, and loads again on the next apply', async () => {
    const { nft, firewall } = setup();
    nft.refuse = true;
    await expect(firewall.apply(ONE_PVS_ONE_TERMINAL)).rejects.toThrow('nft -c -f - exited with 1: Error: Could not process rule');
    expect(firewall.status()).toMatchObject({ state: 'failed', detail: expect.stringContaining('Could not process rule') });
    nft.refuse = false;
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(firewall.status().state).toBe('running');
    expect(nft.table).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
  });

  it('apply(null) loads the fail-closed baseline', async () => {
    const { nft, firewall } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    await firewall.apply(null);
    expect(nft.table).toBe(renderRuleset(null));
  });
});

describe('firewall.print', () => {
  it('answers the baseline before any apply, then the ruleset it would load, loading nothing', async () => {
    const { nft, firewall, print } = setup();
    expect(await print()).toBe(renderRuleset(null));
    nft.refuse = true;
    await expect(firewall.apply(ONE_PVS_ONE_TERMINAL)).rejects.toThrow();
    // Not in the kernel, but what the agent is trying to load.
    expect(await print()).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    const calls = nft.calls.length;
    await print();
    expect(nft.calls).toHaveLength(calls);
  });

  it('takes no arguments', async () => {
    const actions = new ControlActions();
    setup().firewall.registerActions(actions);
    await expect(actions.run('firewall.print', { apply: true }, { actor: 'test' })).rejects.toMatchObject({ code: 'TIBOX_BAD_REQUEST', message: 'bad request: unknown argument "apply"' });
    await expect(actions.run('firewall.print', [], { actor: 'test' })).rejects.toMatchObject({ code: 'TIBOX_BAD_REQUEST' });
  });
});

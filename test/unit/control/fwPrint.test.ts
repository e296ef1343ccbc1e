// `tibox fw print` against a control server whose actions come from a real Firewall (over a fake
// nft): it prints what the agent would load, loads nothing, and fails clearly otherwise.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { Firewall, NftLoader, renderRuleset } from '../../../src/firewall/index.ts';
import { ONE_PVS_ONE_TERMINAL } from '../firewall/firewallDesired.ts';
import { groupFile, memoryLogger, SAMPLE_NOW, SAMPLE_STATUS, tempDir } from './helpers.ts';
import { FakeNft, NO_HEALTH, NO_MONITOR } from '../firewall/fakeNft.ts';

let dir: string;
let cleanup: () => Promise<void>;
let server: ControlServer | undefined;
/** Every nft command the firewall ran. */
let nftCalls: string[];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  nftCalls = [];
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await cleanup();
});

async function startAgent(actions: ControlActions): Promise<string> {
  const socketPath = join(dir, 'control.sock');
  server = new ControlServer({ socketPath, status: () => SAMPLE_STATUS, actions, log: memoryLogger().log, groupFile: await groupFile(dir, true) });
  await server.start(AbortSignal.timeout(5_000));
  return socketPath;
}

function firewallAgent(): { firewall: Firewall; actions: ControlActions } {
  const nft = new FakeNft();
  nftCalls = nft.calls;
  const firewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(nft), stateDir: join(dir, 'state'), log: memoryLogger().log });
  const actions = new ControlActions();
  firewall.registerActions(actions);
  return { firewall, actions };
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => SAMPLE_NOW });
  return { code, stdout, stderr };
}

describe('tibox fw print', () => {
  it('prints the fail-closed baseline before the agent has applied a ruleset', async () => {
    const socket = await startAgent(firewallAgent().actions);
    expect(await run(['fw', 'print', '--socket', socket])).toEqual({ code: 0, stdout: renderRuleset(null), stderr: '' });
  });

  it('prints the applied ruleset as nft -f reads it, and loads nothing', async () => {
    const { firewall, actions } = firewallAgent();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    const loads = nftCalls.length;
    const socket = await startAgent(actions);
    const { code, stdout, stderr } = await run(['--socket', socket, 'fw', 'print']);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    expect(nftCalls).toHaveLength(loads);
  });

  it('exits 1 when the agent is not running', async () => {
    const socket = join(dir, 'absent.sock');
    const { code, stdout, stderr } = await run(['fw', 'print', '--socket', socket]);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(`tibox: the tibox agent is not running (no control socket at ${socket})\n`);
  });

  it('exits 1 on an answer without a ruleset', async () => {
    const actions = new ControlActions();
    actions.register('firewall.print', () => ({ rules: [] }));
    const socket = await startAgent(actions);
    const { code, stderr } = await run(['fw', 'print', '--socket', socket]);
    expect(code).toBe(1);
    expect(stderr).toBe('tibox: the tibox agent sent an unreadable answer: firewall.print answered without a ruleset\n');
  });

  it("takes no arguments, is in the help and is what 'tibox fw' alone runs", async () => {
    const usage = await run(['fw', 'print', 'now']);
    expect([usage.code, usage.stderr]).toEqual([2, "tibox: too many arguments for 'fw print': now; see 'tibox fw print --help'\n"]);
    const help = await run(['help']);
    expect(help.stdout).toMatch(/\n {2}fw \[print\] {2,}Show the firewall ruleset the agent would load now, without loading it\n/);
    const socket = await startAgent(firewallAgent().actions);
    expect(await run(['fw', '--socket', socket])).toEqual({ code: 0, stdout: renderRuleset(null), stderr: '' });
  });
});

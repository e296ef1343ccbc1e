// `make demo` as people use it: two demos side by side, each with its own agent, each printing
// command lines that reach that agent and no other; the README's demo commands are the lines a
// demo prints, and run as written they import the profile, register the PVS host with its CETP
// port and let the connector reach it there; `make lab-clean` meanwhile removes a lab whose owner
// is gone and leaves both running demos alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDir, labRunDir, NETNS_ETC, type LabDescription } from '../lab/lab.ts';
import { Netns } from '../lab/netns.ts';
import { recordOwner } from '../lab/owner.ts';
import { cleanStale } from '../lab/staleLabs.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import type { Device } from '../../src/lan/inventory/index.ts';
import { waitFor } from './waitFor.ts';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..');
/** Listens on and probes TCP ports inside a namespace (see its header). */
const PEER = join(REPO, 'test', 'integration', 'firewallPeer.ts');

/** The lines of the README's demo block: the fenced block after its marker. */
function readmeDemoLines(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /<!-- demo commands:[^\n]*-->\n```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no demo commands block');
  return block.split('\n');
}

/** A command line as the demo prints it: words, "a quoted one", then an optional `# comment`. */
function parseCommandLine(line: string): string[] {
  const command = line.split(/\s+# /)[0] ?? '';
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** Runs a command line as a reader in the repository would: bin/tibox is the repository's. */
function runLine(argv: readonly string[]) {
  const [command = '', ...args] = argv;
  return processRunner.run(command.startsWith('bin/') ? join(REPO, command) : command, args, { timeoutMs: 20_000 });
}

interface Demo {
  process: ProcessHandle;
  output: string[];
  lab: LabDescription;
  /** The command lines it printed, in order. */
  commands: string[][];
}

async function startDemo(): Promise<Demo> {
  const output: string[] = [];
  const demo = startProcess('make', ['-s', '-C', REPO, 'demo'], {
    onStdoutLine: (line) => output.push(line),
    onStderrLine: (line) => output.push(line),
  });
  await waitFor(() => expect(output.join('\n')).toContain('Ctrl-C (or SIGTERM) stops the demo'), 120_000, 200);
  const description = /lab description:\s+(\S+)/.exec(output.join('\n'))?.[1];
  if (!description) throw new Error(`the demo names no lab description:\n${output.join('\n')}`);
  const commands = output.filter((line) => /^ {2}(bin\/tibox|ip netns exec) /.test(line)).map(parseCommandLine);
  return { process: demo, output, lab: JSON.parse(readFileSync(description, 'utf8')) as LabDescription, commands };
}

describe('two demos side by side', () => {
  const netns = new Netns(processRunner);
  let a: Demo;
  let b: Demo;
  /** How the first demo's status line failed while the second demo was built and started. */
  const failedMeanwhile: string[] = [];
  const fakeIds: string[] = [];
  const listeners: ProcessHandle[] = [];

  const printed = (demo: Demo, ...words: string[]) => {
    const line = demo.commands.find((argv) => words.every((word, i) => argv[3 + i] === word));
    if (!line) throw new Error(`the demo prints no 'tibox ${words.join(' ')}' line`);
    return line;
  };
  /** A tibox command on the demo's socket, beyond the lines it prints. */
  const cli = (demo: Demo, ...args: string[]) => runLine(['bin/tibox', '--socket', demo.lab.box.control, ...args]);
  const status = async (demo: Demo) => JSON.parse((await runLine([...printed(demo, 'status'), '--json'])).stdout) as AgentStatus;

  beforeAll(async () => {
    a = await startDemo();
    // The second `make demo` compiles build/ again while the first demo's agent and CLI run from it.
    let starting = true;
    const poll = (async () => {
      while (starting) {
        await runLine(printed(a, 'status')).catch((error: unknown) => failedMeanwhile.push(String(error)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    b = await startDemo().finally(() => (starting = false));
    await poll;
  }, 300_000);
  afterAll(async () => {
    for (const listener of listeners) listener.kill();
    for (const demo of [a, b]) demo?.process.kill('SIGTERM');
    await Promise.all([a, b].map((demo) => demo?.process.exited));
    for (const id of fakeIds) {
      await netns.remove(`${id}-box`);
      for (const path of [labDir(id), labRunDir(id), join(NETNS_ETC, `${id}-box`)]) rmSync(path, { recursive: true, force: true });
    }
  });

  it('gives each demo its own control socket, which every tibox line it prints names', () => {
    expect(a.lab.id).not.toBe(b.lab.id);
    for (const demo of [a, b]) {
      expect(demo.lab.box.control.startsWith(`${demo.lab.dir}/`)).toBe(true);
      const tibox = demo.commands.filter((argv) => argv[0] === 'bin/tibox');
      expect(tibox.length).toBeGreaterThan(0);
      for (const argv of tibox) expect(argv.slice(0, 3)).toEqual(['bin/tibox', '--socket', demo.lab.box.control]);
      expect(demo.output).toContain(`export TIBOX_SOCKET=${demo.lab.box.control} lets you leave out --socket.`);
    }
  });

  it("keeps the first demo's CLI working while a second make demo builds and starts", () => {
    expect(failedMeanwhile).toEqual([]);
  });

  it("reaches each demo's own agent: a profile imported with one demo's line is in that agent only", async () => {
    for (const demo of [a, b]) expect((await status(demo)).tunnel.state).toBe('no-profile');
    await runLine(printed(a, 'profile', 'import'));
    await waitFor(async () => expect((await status(a)).subsystems.find((s) => s.name === 'profile')?.state).toBe('running'), 10_000);
    expect((await status(b)).tunnel.state).toBe('no-profile');
  });

  it("prints the README's demo commands for its lab, and run as written they let the connector reach the PVS host's CETP port", async () => {
    const { pvs } = b.lab.namespaces;
    const pvsMac = (JSON.parse((await netns.ip(pvs, '-j', 'link', 'show', 'eth0')).stdout) as { address: string }[])[0]?.address;
    const values: Record<string, string | undefined> = {
      '<socket>': b.lab.box.control, '<profile>': b.lab.profile?.pem, '<ca>': b.lab.pki.ca, '<lab>': b.lab.id, '<pvs-mac>': pvsMac,
    };
    const fill = (word: string) => word.replace(/<[a-z-]+>/g, (placeholder) => {
      const value = values[placeholder];
      if (value === undefined) throw new Error(`the README's demo commands use ${placeholder}, which no demo fills`);
      return value;
    });
    const readme = readmeDemoLines().map(parseCommandLine).map((argv) => argv.map(fill));
    expect(readme).toEqual(b.commands);

    // The PVS host takes CETP events on its port, once the box lets the connector through.
    let ready = false;
    listeners.push(startProcess(process.execPath, [PEER, 'listen', `tcp:0.0.0.0:${PLAN.pvsCetpPort}`], { netns: pvs, onStdoutLine: (line) => (ready ||= line === 'ready') }));
    await waitFor(() => expect(ready).toBe(true), 5_000, 20);
    // As a reader would, each line is tried again until it works: the box takes a profile, and
    // the tunnel comes up, a moment after the import answers.
    const outputs = new Map<string, string>();
    for (const argv of readme) outputs.set(argv.join(' '), (await waitFor(() => runLine(argv), 20_000, 500)).stdout);
    const output = (...words: string[]) => outputs.get(printed(b, ...words).join(' ')) ?? '';

    expect((await status(b)).subsystems.find((s) => s.name === 'profile')?.state).toBe('running');
    const devices = JSON.parse((await cli(b, 'devices', 'list', '--json')).stdout) as Device[];
    expect(devices).toMatchObject([{ kind: 'pvs', name: 'PVS reception', address: PLAN.tiSegment.pvs, mac: pvsMac, cetpPorts: [PLAN.pvsCetpPort] }]);
    expect(output('devices', 'setup', 'PVS reception')).toContain(`TI access for the PVS host "PVS reception" (${PLAN.tiSegment.pvs})`);
    expect(output('fw', 'print')).toContain(`${PLAN.tiSegment.pvs} . ${PLAN.pvsCetpPort}`);
    expect(outputs.get(readme.find((argv) => argv[0] === 'ip')?.join(' ') ?? '')).toContain('<ConnectorServices');
    const probe = await processRunner.run(process.execPath, [PEER, 'probe', '--timeout', '2000', '--source', PLAN.ti.connector, `tcp:${PLAN.tiSegment.pvs}:${PLAN.pvsCetpPort}`], { netns: b.lab.namespaces.core });
    expect(JSON.parse(probe.stdout)).toEqual({ [`tcp:${PLAN.tiSegment.pvs}:${PLAN.pvsCetpPort}`]: 'open' });
    // The other demo's agent got none of it.
    expect(JSON.parse((await cli(a, 'devices', 'list', '--json')).stdout)).toEqual([]);
  });

  it('lab-clean removes a lab whose owner died and a lab without its directory, and keeps both demos', async () => {
    // A lab whose owner died: its directory names a process that has exited; a namespace, its
    // run directory and its /etc/netns entry are left.
    const dead = `tlab${randomBytes(2).toString('hex')}`;
    fakeIds.push(dead);
    mkdirSync(labDir(dead), { mode: 0o700 });
    const owner = startProcess('sleep', ['60']);
    recordOwner(labDir(dead), owner.pid);
    owner.kill('SIGKILL');
    await owner.exited;
    await netns.add(`${dead}-box`);
    mkdirSync(labRunDir(dead));
    mkdirSync(join(NETNS_ETC, `${dead}-box`), { recursive: true });
    // A lab whose directory is gone: only a namespace is left.
    const dirless = `tlab${randomBytes(2).toString('hex')}`;
    fakeIds.push(dirless);
    await netns.add(`${dirless}-box`);

    const { removed, kept } = await cleanStale();

    expect(removed).toEqual(expect.arrayContaining([dead, dirless]));
    expect(removed).not.toContain(a.lab.id);
    expect(removed).not.toContain(b.lab.id);
    expect(kept).toEqual(expect.arrayContaining([a, b].map((demo) => ({ id: demo.lab.id, why: expect.stringMatching(/^its owner, process \d+, still runs$/) }))));
    const left = await netns.list();
    expect(left).not.toContain(`${dead}-box`);
    expect(left).not.toContain(`${dirless}-box`);
    for (const path of [labDir(dead), labRunDir(dead), join(NETNS_ETC, `${dead}-box`)]) expect(existsSync(path)).toBe(false);
    for (const demo of [a, b]) {
      expect(left).toContain(demo.lab.namespaces.box);
      expect(existsSync(demo.lab.dir)).toBe(true);
      expect((await status(demo)).version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('ends each demo on SIGTERM with nothing of its lab left', async () => {
    // As Ctrl-C does: make and the demo both get the signal, and make waits for the demo.
    for (const demo of [a, b]) demo.process.kill('SIGTERM');
    for (const demo of [a, b]) {
      await demo.process.exited;
      expect(demo.output).toContain('done: nothing left behind');
      expect(existsSync(demo.lab.dir)).toBe(false);
    }
    const left = await netns.list();
    for (const demo of [a, b]) expect(left.filter((ns) => ns.startsWith(`${demo.lab.id}-`))).toEqual([]);
  });
});

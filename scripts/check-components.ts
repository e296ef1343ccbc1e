// Setup's last step: the components that setup installed must work, not merely be installed.
// A package that is only *recommended* (strongSwan's openssl plugin) is easy to miss, and then
// the lab fails far from the cause. Each check names the Debian package that brings what failed.
//   - charon starts with the box's and the lab's strongswan.conf (in a namespace of its own,
//     as it creates a TUN device and binds the IKE ports), loads every plugin they list, and
//     swanctl reaches it over VICI;
//   - nft (with a table checked against the kernel) and dnsmasq run;
//   - rauc, mksquashfs (bundles) and dbus-daemon (RAUC's private bus in the lab) run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderCharonConf } from '../src/ipsec/charonConf.ts';
import { processRunner, startProcess } from '../src/core/runner.ts';
import { renderStrongswanConf } from '../test/lab/strongswan.ts';

/** Where each plugin tibox loads comes from in Debian 12; any other plugin: its package is named by file. */
const PLUGIN_PACKAGES: Readonly<Record<string, string>> = {
  openssl: 'libstrongswan-standard-plugins',
  'kernel-libipsec': 'libcharon-extra-plugins',
  'socket-default': 'strongswan-libcharon',
  updown: 'strongswan-libcharon',
  vici: 'strongswan-swanctl',
};
const CORE_PACKAGE = 'libstrongswan';

/** The plugins a strongswan.conf asks charon to load (`charon { load = … }`). */
export function requestedPlugins(conf: string): string[] {
  const line = /^charon \{[^]*?^\s*load = (.+)$/m.exec(conf);
  if (!line?.[1]) throw new Error('strongswan.conf has no charon load list');
  return line[1].trim().split(/\s+/);
}

/**
 * What went wrong in charon's start-up log: each requested plugin it did not load, with the
 * package that ships it. Charon stops before its list of loaded plugins when a plugin that its
 * core needs is missing (openssl brings the hashers): then the plugins it names as failed are
 * the ones to install. An empty list means charon loaded them all.
 */
export function pluginProblems(requested: readonly string[], log: string): string[] {
  const loadedLine = /loaded plugins: (.*)$/m.exec(log);
  const failed = new Set([...log.matchAll(/plugin '([^']+)': failed to load/g)].map((m) => m[1] ?? ''));
  const loaded = new Set(loadedLine?.[1]?.trim().split(/\s+/) ?? []);
  const missing = requested.filter((plugin) => failed.has(plugin) || (loadedLine !== null && !loaded.has(plugin)));
  if (missing.length === 0 && loadedLine === null) {
    const last = log.trim().split('\n').at(-1)?.replace(/^\d+\[\w+\] /, '');
    return [`charon did not finish loading its plugins${last ? ` (its log ends: ${last})` : ''}`];
  }
  return missing.map((plugin) => `charon did not load its plugin '${plugin}': install the Debian package ${PLUGIN_PACKAGES[plugin] ?? CORE_PACKAGE}`);
}

const CHARON_START_MS = 5_000;

/**
 * Starts charon with `conf` (its VICI socket and log in `dir`) in a throwaway namespace until its
 * log says which plugins it loaded, then asks it for its stats with swanctl.
 */
async function charonProblems(name: string, render: (dir: string) => string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-setup-'));
  const netns = `tibox-setup-${process.pid}`;
  const conf = render(dir);
  const log = join(dir, 'charon.log');
  writeFileSync(join(dir, 'strongswan.conf'), conf);
  await processRunner.run('ip', ['netns', 'add', netns]);
  const charon = startProcess('charon-systemd', [], { netns, env: { STRONGSWAN_CONF: join(dir, 'strongswan.conf') } });
  try {
    const deadline = Date.now() + CHARON_START_MS;
    let text = '';
    let exited = false;
    while (Date.now() < deadline) {
      text = readLog(log);
      if (/loaded plugins:/.test(text) || exited) break;
      exited = (await Promise.race([charon.exited, sleep(50)])) !== undefined;
    }
    const problems = pluginProblems(requestedPlugins(conf), text);
    if (problems.length === 0) problems.push(...await swanctlProblems(join(dir, 'charon.vici'), deadline));
    return problems.map((p) => `${name}: ${p}`);
  } finally {
    charon.kill('SIGKILL');
    await charon.exited;
    await processRunner.run('ip', ['netns', 'del', netns]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** swanctl asks the running charon for its stats; the socket appears a moment after the plugins load. */
async function swanctlProblems(vici: string, deadline: number): Promise<string[]> {
  for (;;) {
    const problem = await commandProblem('swanctl', 'strongswan-swanctl', 'swanctl', ['--stats', '--uri', `unix://${vici}`]);
    if (problem.length === 0 || Date.now() > deadline) return problem;
    await sleep(50);
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Runs a command; a failure becomes a sentence naming the package that brings it. */
async function commandProblem(what: string, pkg: string, command: string, args: string[], input?: string): Promise<string[]> {
  try {
    await processRunner.run(command, args, input === undefined ? {} : { input });
    return [];
  } catch (error) {
    return [`${what} does not run (${(error as Error).message.split('\n')[0]}): install the Debian package ${pkg}`];
  }
}

async function main(): Promise<void> {
  const problems = [
    ...await charonProblems('the box\'s charon', (dir) => renderCharonConf({ backend: 'libipsec', viciSocket: join(dir, 'charon.vici'), logFile: join(dir, 'charon.log') })),
    ...await charonProblems('the lab\'s charon', (dir) => renderStrongswanConf(dir, { installRoutes: false })),
    // Checked against the kernel too: nft needs nf_tables there, not just its own binary.
    ...await commandProblem('nft', 'nftables', 'nft', ['-c', '-f', '-'], 'table inet tibox_setup_check { chain c { type filter hook input priority 0; }; }\n'),
    ...await commandProblem('dnsmasq', 'dnsmasq-base', 'dnsmasq', ['--test', '--conf-file=/dev/null']),
    ...await commandProblem('rauc', 'rauc', 'rauc', ['--version']),
    ...await commandProblem('mksquashfs', 'squashfs-tools', 'mksquashfs', ['-version']),
    ...await commandProblem('dbus-daemon', 'dbus-daemon', 'dbus-daemon', ['--version']),
  ];
  if (problems.length > 0) {
    for (const problem of problems) console.error(`setup: ${problem}`);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();

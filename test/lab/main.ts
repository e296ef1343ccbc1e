// The lab's command line. `demo` builds the lab with a simulated datacenter, loads the
// fail-closed state, starts the agent and the web UI in the box namespace (printing the web UI's
// address, its certificate's fingerprint and the box's initial password) and stays until Ctrl-C or SIGTERM,
// then removes everything it made. Each demo's agent answers on a socket in its own lab's
// directory, so demos side by side never share one, and it prints each step as a whole command
// line naming that socket (the README shows the same lines, a test runs them). `clean` removes
// the labs whose owner is gone.
import { join } from 'node:path';
import { Lab } from './lab.ts';
import { cleanStale } from './staleLabs.ts';
import { PLAN } from './topology.ts';

/** One line for a shell: an argument with a space in it goes in double quotes. */
function shellLine(argv: readonly string[]): string {
  return argv.map((arg) => (arg.includes(' ') ? `"${arg}"` : arg)).join(' ');
}

async function demo(): Promise<void> {
  // Ctrl-C may arrive while the lab is still being built: then it is removed once built.
  const run: { interrupted: boolean; lab?: Lab } = { interrupted: false };
  const finish = async () => {
    run.interrupted = true;
    if (!run.lab) return;
    console.log('\nremoving the lab ...');
    await run.lab.destroy();
    console.log('done: nothing left behind');
    process.exit(0);
  };
  const onSignal = () =>
    void finish().catch((error: unknown) => {
      console.error('the lab could not be removed:', error);
      process.exit(1);
    });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  const lab = await Lab.create({ boxCharon: 'agent', log: (line) => console.log(line) });
  run.lab = lab;
  if (run.interrupted) return finish();
  const { socketPath } = await lab.startAgent();
  const webui = await lab.startWebui();
  const d = lab.describe();
  const pvsMac = (JSON.parse((await lab.exec(d.namespaces.pvs, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address ?? '';
  const tibox = (...args: string[]) => ['bin/tibox', '--socket', socketPath, ...args];
  const steps: [string[], string][] = [
    [tibox('status'), 'the agent: version, uptime, subsystems, health warnings (--json too)'],
    [tibox('profile', 'import', d.profile?.pem ?? ''), "the lab's signed VPN profile, as the installer imports it"],
    [tibox('devices', 'register', 'pvs', 'PVS reception', '--address', PLAN.tiSegment.pvs, '--mac', pvsMac, '--cetp-ports', String(PLAN.pvsCetpPort)),
      'the PVS host, by its TI address, MAC and the port it takes CETP events on'],
    [tibox('tunnel', 'status'), 'state, gateway, traffic, last error, history'],
    [['ip', 'netns', 'exec', d.namespaces.pvs, 'curl', '--cacert', d.pki.ca, d.urls.connectorSds], 'the PVS host reaches the connector'],
    [tibox('devices', 'setup', 'PVS reception'), 'the commands that set a PVS host up (Windows, Linux)'],
    [tibox('fw', 'print'), "the firewall's ruleset, without loading it"],
  ];
  console.log(`
tibox lab ${d.id} is up (${((Date.now() - started) / 1000).toFixed(1)} s). The agent runs in namespace ${d.namespaces.box}
and answers on this lab's own control socket, which each command names. In a shell of your own,
export TIBOX_SOCKET=${socketPath} lets you leave out --socket.

${steps.map(([argv, what]) => `  ${shellLine(argv)}   # ${what}`).join('\n')}

  web UI:              ${webui.url} on the practice LAN, e.g. ip netns exec ${d.namespaces.pvs} curl -k ${webui.url}
  initial password:    ${PLAN.provisioning.initialPassword}
  its certificate:     SHA-256 ${webui.fingerprint256}
  agent log:           ${join(d.dir, 'agent.log')}
  web UI log:          ${join(d.dir, 'webui.log')}
  lab description:     ${join(d.dir, 'lab.json')}
  a shell on the PVS:  ip netns exec ${d.namespaces.pvs} bash
  connector stand-in:  ${d.urls.connectorSds} (CA: ${d.pki.ca})

Ctrl-C (or SIGTERM) stops the demo and removes everything it made.`);
  await new Promise(() => undefined);
}

async function clean(): Promise<void> {
  const { removed, kept } = await cleanStale();
  console.log(removed.length ? `removed: ${removed.join(' ')}` : 'nothing to clean');
  for (const { id, why } of kept) console.log(`kept ${id}: ${why}`);
}

const command = process.argv[2];
if (command === 'demo') await demo();
else if (command === 'clean') await clean();
else {
  console.error('usage: node test/lab/main.ts demo|clean');
  process.exit(2);
}

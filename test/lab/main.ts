// The lab's command line. `demo` builds the lab with a simulated datacenter, loads the
// fail-closed state, starts the agent in the box namespace and stays until Ctrl-C or SIGTERM,
// then removes everything it made. `clean` removes what an interrupted run left behind.
import { join } from 'node:path';
import { Lab, cleanStale } from './lab.ts';
import { PLAN } from './topology.ts';
import { DEFAULT_CONTROL_SOCKET } from '../../src/control/socketPath.ts';

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
  const { socketPath } = await lab.startAgent(DEFAULT_CONTROL_SOCKET);
  const d = lab.describe();
  const tibox = socketPath === DEFAULT_CONTROL_SOCKET ? 'bin/tibox' : `bin/tibox --socket ${socketPath}`;
  const pvsMac = (JSON.parse((await lab.exec(d.namespaces.pvs, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address;
  console.log(`
tibox lab ${d.id} is up (${((Date.now() - started) / 1000).toFixed(1)} s). The agent runs in namespace ${d.namespaces.box}.

  import the profile:  ${tibox} profile import ${d.profile?.pem ?? ''}
  register the PVS:    ${tibox} devices register pvs "PVS reception" --address ${PLAN.tiSegment.pvs} --mac ${pvsMac} --cetp-ports ${PLAN.pvsCetpPort}
  its setup commands:  ${tibox} devices setup "PVS reception"
  the ruleset:         ${tibox} fw print
  agent status:        ${tibox} status          (or: status --json; tunnel status)
  agent log:           ${join(d.dir, 'agent.log')}
  lab description:     ${join(d.dir, 'lab.json')}
  a shell on the PVS:  ip netns exec ${d.namespaces.pvs} bash
  connector stand-in:  ${d.urls.connectorSds} (CA: ${d.pki.ca})

Ctrl-C (or SIGTERM) stops the demo and removes everything it made.`);
  await new Promise(() => undefined);
}

async function clean(): Promise<void> {
  const removed = await cleanStale();
  console.log(removed.length ? `removed: ${removed.join(' ')}` : 'nothing to clean');
}

const command = process.argv[2];
if (command === 'demo') await demo();
else if (command === 'clean') await clean();
else {
  console.error('usage: node test/lab/main.ts demo|clean');
  process.exit(2);
}

// The health commit's checks after booting a new system (src/updater/health): the agent itself
// (every subsystem started, none failed), the WAN (no `wan.down`), and the tunnel, up and answering an active
// probe from the box's TI address, since at night no practice traffic shows that it carries. A
// box with no profile, or whose operator switched the tunnel off, has no tunnel to judge: a new
// system is not blamed for it. The verdict is pure; the probe is one `ping` through the tunnel.
import type { Runner } from '../core/index.ts';
import type { CheckResults } from '../updater/index.ts';
import type { AgentStatus } from './status.ts';

/** Tunnel states in which there is no tunnel to expect. */
const NOT_JUDGED: ReadonlySet<string> = new Set(['no-profile', 'disabled']);

/** One round of checks from the agent's status and the probe's answer (none while the tunnel is not up). */
export function updateChecks(status: AgentStatus, probe: true | string | undefined): CheckResults {
  const failed = status.subsystems.filter((s) => s.state === 'failed').map((s) => `${s.name}${s.detail ? ` (${s.detail})` : ''}`);
  // The commit starts beside the agent's start: until every subsystem runs, the tunnel may still
  // say 'no-profile' only because the profile is not loaded yet, and would pass unjudged.
  const starting = status.subsystems.filter((s) => s.state === 'stopped' || s.state === 'starting').map((s) => s.name);
  const wanDown = status.health.find((warning) => warning.code === 'wan.down');
  const state = status.tunnel.state;
  const tunnel = NOT_JUDGED.has(state) ? true : state !== 'up' ? `the tunnel is ${state}` : (probe ?? 'no probe through the tunnel yet');
  return {
    agent: failed.length > 0 ? `failed: ${failed.join(', ')}` : starting.length > 0 ? `still starting: ${starting.join(', ')}` : true,
    wan: wanDown ? 'the WAN is down' : true,
    tunnel,
  };
}

/** One echo through the tunnel to the profile's probe target, from the box's TI address. */
export async function probeThroughTunnel(runner: Runner, target: { address: string; source: string } | undefined): Promise<true | string> {
  if (!target) return 'no VPN profile, so no probe target';
  // `--`: the target comes from the profile and must never be read as an option.
  const { code } = await runner.run('ping', ['-n', '-c', '1', '-W', '2', '-I', target.source, '--', target.address], { timeoutMs: 5_000, okCodes: [1, 2] });
  return code === 0 ? true : `no answer from ${target.address} through the tunnel`;
}

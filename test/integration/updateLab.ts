// A lab for system updates end to end: the box's agent with the lab's RAUC, its reboot command
// and a short health commit, the lab's DDI server polled every 5 s, and the steps the tests of a
// whole update take: a signed bundle of the agent's build, the box's reboot (or a power cut), the
// update status as `tibox update status --json` shows it and an action's feedback as text.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { processRunner } from '../../src/core/runner.ts';
import type { UpdateStatus } from '../../src/updater/index.ts';
import type { LabDdiAdmin } from '../lab/ddi/admin.ts';
import { Lab, labRunDir } from '../lab/lab.ts';
import { createUpdateSigner, LabRauc, LabRebootRequests, type Bootname, type UpdateSigner } from '../lab/rauc.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

export const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..');
export const TIBOX = join(REPO, 'bin', 'tibox');
const COMPATIBLE = 'tibox-lab';

export class UpdateLab {
  readonly lab: Lab;
  readonly admin: LabDdiAdmin;
  readonly rauc: LabRauc;
  readonly reboots: LabRebootRequests;
  private readonly signer: UpdateSigner;
  /** The agent's options where the box's image unit would give them: the lab's RAUC, its reboot, the health commit's bound. */
  private readonly agentArgs: string[];
  socketPath = '';
  dataDir = '';

  private constructor(lab: Lab, signer: UpdateSigner, rauc: LabRauc, commitSeconds: number) {
    this.lab = lab;
    this.admin = lab.ddiAdmin();
    this.signer = signer;
    this.rauc = rauc;
    this.reboots = new LabRebootRequests(join(lab.dir, 'reboot'));
    this.agentArgs = ['--rauc-conf', rauc.confFile, '--reboot-command', this.reboots.command, '--health-commit-seconds', String(commitSeconds)];
  }

  /** The lab, RAUC with slot A booted (the checkout's system), the agent with the v2 profile, its tunnel up and reported. */
  static async create(commitSeconds: number): Promise<UpdateLab> {
    const lab = await Lab.create({ boxCharon: 'agent', ddi: true });
    const signer = await createUpdateSigner(processRunner, join(lab.dir, 'update-pki'), 'tibox');
    const rauc = await LabRauc.start({ runner: processRunner, dir: join(lab.dir, 'rauc'), keyring: signer.ca, compatible: COMPATIBLE, agentRunDir: labRunDir(lab.names.id) });
    const it = new UpdateLab(lab, signer, rauc, commitSeconds);
    lab.setAgentExtra(it.agentArgs, rauc.env);
    // The deployer reads a waiting deployment again at the server's interval.
    await it.admin.setPolling('00:00:05');
    ({ socketPath: it.socketPath, dataDir: it.dataDir } = await lab.startAgent());
    await lab.importProfile({ variant: 'v2' });
    await waitFor(async () => expect((await it.admin.target(PLAN.boxId)).configData?.data).toMatchObject({ tunnel: 'up', 'os.slot': 'A' }), 60_000);
    return it;
  }

  async destroy(): Promise<void> {
    await this.rauc.stop();
    await this.lab.destroy();
  }

  /** A bundle of the agent's build, signed by the lab's update signer; `payload`: of that system instead. */
  async bundle(version: string, payload?: string): Promise<string> {
    const out = join(this.lab.dir, `tibox-${version}.raucb`);
    await processRunner.run(join(REPO, 'scripts', 'bundle.sh'), [
      '--cert', this.signer.cert, '--key', this.signer.key, '--out', out, '--version', version, '--compatible', COMPATIBLE, ...(payload ? ['--payload', payload] : []),
    ], { timeoutMs: 60_000 });
    return out;
  }

  /**
   * The box's reboot, in the lab's order: everything stops, the bootloader picks a slot, RAUC and
   * the agent of that slot start. `powerCut`: the agent is killed (SIGKILL) rather than stopped,
   * as RAUC always is.
   */
  async reboot(options: { powerCut?: boolean } = {}): Promise<Bootname> {
    await this.lab.stopAgentAsAfterBoot({ powerCut: options.powerCut ?? false });
    const booted = await this.rauc.reboot();
    this.lab.setAgentExtra(this.agentArgs, this.rauc.env, await this.rauc.bootedRoot(join(REPO, 'node_modules')));
    ({ socketPath: this.socketPath } = await this.lab.startAgent());
    return booted;
  }

  async updateStatus(): Promise<UpdateStatus> {
    return JSON.parse((await processRunner.run(TIBOX, ['--socket', this.socketPath, 'update', 'status', '--json'])).stdout) as UpdateStatus;
  }

  /** The action's feedback, each as `execution/finished: details`. */
  async feedback(id: string): Promise<string[]> {
    return (await this.admin.action(id)).feedback.map((f) => `${f.execution}/${f.finished}: ${f.details.join(' | ')}`);
  }

  /** `tibox config set`, as the installer or the web UI would. */
  async configSet(...settings: string[]): Promise<void> {
    await processRunner.run(TIBOX, ['--socket', this.socketPath, 'config', 'set', ...settings], { timeoutMs: 20_000 });
  }
}

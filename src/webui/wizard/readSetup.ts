// Reads the box's setup from the agent for the wizard and the overview's note: its config, the
// pending network change, the profile, the address plan, the devices and the health, and the
// facts the steps are judged by (steps.ts). Nothing of it is kept: every page reads it again.
import type { OverviewStatus } from '../status/agentView.ts';
import type { DeviceView } from '../status/deviceView.ts';
import type { ProfileView } from '../status/profileView.ts';
import type { SetupFacts } from './steps.ts';
import type { AddressPlanView, PendingView, WizardConfigView } from './views.ts';

export interface Setup {
  facts: SetupFacts;
  config: WizardConfigView;
  pending: PendingView | null;
  profile: ProfileView | null;
  plan: AddressPlanView;
  devices: readonly DeviceView[];
  health: OverviewStatus['health'];
}

export interface SetupSource {
  /** A named action of the agent, for the logged-in user. */
  ask: (action: string, args?: unknown) => Promise<unknown>;
  status: () => Promise<OverviewStatus>;
}

/** The setup as the agent reports it; rejects when the agent does not answer. */
export async function readSetup(source: SetupSource, passwordChanged: boolean): Promise<Setup> {
  const [status, current, pending, profile, plan, devices] = await Promise.all([
    source.status(),
    source.ask('config.get') as Promise<{ config: WizardConfigView }>,
    source.ask('config.pending') as Promise<PendingView | null>,
    source.ask('profile.show') as Promise<ProfileView | null>,
    source.ask('lan.addressPlan') as Promise<AddressPlanView>,
    source.ask('devices.list') as Promise<DeviceView[]>,
  ]);
  const facts: SetupFacts = {
    passwordChanged,
    wanConfigured: wanConfigured(current.config.wan),
    profile: profile !== null,
    refusedCollisions: plan.findings.filter((f) => f.severity === 'refuse').length,
    pvsHosts: devices.filter((d) => d.kind === 'pvs').length,
    practiceName: current.config.practice.name,
    installerName: current.config.practice.installerName,
  };
  return { facts, config: current.config, pending, profile, plan, devices, health: status.health };
}

/** DHCP needs nothing more; a static WAN needs its address and gateway. */
function wanConfigured(wan: WizardConfigView['wan']): boolean {
  return wan.mode === 'dhcp' || (wan.address !== '' && wan.gateway !== '');
}

// The inventory's named actions on the control API: the registry (list, register, change,
// remove, audit), the setup text per device, and what the box has seen (neighbours, terminals not
// registered yet, a terminal's reachability history). Changes are audited with the caller.
import { limitArgument, type ControlActions } from '../../core/index.ts';
import { readChange, readDeviceArgs, readRegistration } from './device.ts';
import { invalidField } from './errors.ts';
import type { DeviceInventory } from './inventory.ts';

export function registerDeviceActions(actions: ControlActions, inventory: DeviceInventory): void {
  actions.register('devices.list', () => inventory.list());
  actions.register('devices.show', (args) => inventory.show(readDeviceArgs(args).device));
  actions.register('devices.register', (args, { actor }) => inventory.register(readRegistration(args), actor));
  actions.register('devices.change', (args, { actor }) => {
    const { device, change } = readChange(args);
    return inventory.change(device, change, actor);
  });
  actions.register('devices.remove', (args, { actor }) => inventory.remove(readDeviceArgs(args).device, actor));
  actions.register('devices.audit', (args) => inventory.audit(limitArgument(args, 100)));
  actions.register('devices.setupCommands', (args) => {
    const { device, options } = readDeviceArgs(args, ['windowsInterface', 'linuxInterface']);
    return inventory.setup(device, {
      ...optionalText(options.windowsInterface, 'windowsInterface'),
      ...optionalText(options.linuxInterface, 'linuxInterface'),
    });
  });
  actions.register('devices.neighbours', () => inventory.neighbours());
  actions.register('devices.terminals', () => inventory.candidates());
  actions.register('devices.reachability', (args) => {
    const { device, options } = readDeviceArgs(args, ['limit']);
    return inventory.reachabilityHistory(device, limitArgument(options, 50));
  });
}

function optionalText(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'string') throw invalidField(field, 'must be text');
  return { [field]: value };
}

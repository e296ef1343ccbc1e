// `tibox devices list|register|change|remove|history`: the registered PVS hosts and card
// terminals. The CLI only shapes the arguments; the agent validates, stores and audits.
import type { DeviceView, Transition } from '../../lan/inventory/index.ts';
import { EXIT_OK, JSON_OPTION, UsageError, type Command, type CommandContext, type OptionSpecs } from './command.ts';
import { formatDevice, formatDevices, formatHistory } from './formatDevices.ts';

const fieldOptions = {
  address: { type: 'string', value: 'A', description: "The device's address in the TI segment, e.g. 10.77.12.10" },
  mac: { type: 'string', value: 'M', description: 'Its MAC address, e.g. 00:1a:2b:3c:4d:5e (dashes or no separators work too)' },
  'cetp-ports': { type: 'string', value: 'P,..', description: "A PVS host's ports for the connector's CETP events, e.g. 4000,4001" },
} as const satisfies OptionSpecs;

function print({ io, values }: CommandContext, value: unknown, text: string): number {
  io.stdout(values.json ? JSON.stringify(value, null, 2) + '\n' : text);
  return EXIT_OK;
}

/** '4000,4001' to numbers; '' for none. Undefined when the text is not a port list. */
function ports(text: string): number[] | undefined {
  if (text.trim() === '') return [];
  const list = text.split(',').map((p) => p.trim());
  return list.every((p) => /^\d{1,5}$/.test(p)) ? list.map(Number) : undefined;
}

/** The fields given as options. */
function fields(values: CommandContext['values']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'address', 'mac'] as const) if (typeof values[key] === 'string') out[key] = values[key];
  const portText = values['cetp-ports'];
  if (typeof portText === 'string') {
    const list = ports(portText);
    if (!list) throw new UsageError('--cetp-ports takes port numbers separated by commas, e.g. 4000,4001');
    out.cetpPorts = list;
  }
  return out;
}

export const devicesListCommand: Command = {
  words: ['devices', 'list'],
  synopsis: '[--json]',
  summary: 'List the registered PVS hosts and card terminals',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['devices', 'list'],
  async run(context) {
    const devices = (await context.client().action('devices.list')) as DeviceView[];
    return print(context, devices, formatDevices(devices, context.io.now()));
  },
};

export const devicesRegisterCommand: Command = {
  words: ['devices', 'register'],
  synopsis: 'pvs|terminal NAME --address A --mac M [--cetp-ports P,..]',
  summary: 'Register a PVS host or card terminal by TI address and MAC',
  options: { ...fieldOptions, ...JSON_OPTION },
  maxPositionals: 2,
  example: ['devices', 'register', 'pvs', 'PVS reception', '--address', '10.77.12.10', '--mac', '00:1a:2b:3c:4d:5e', '--cetp-ports', '4000'],
  async run(context) {
    const [kind, name] = context.positionals;
    if (kind === undefined || name === undefined) throw new UsageError('devices register needs the kind (pvs or terminal) and a NAME');
    const given = fields(context.values);
    const device = (await context.client().action('devices.register', { kind, name, ...given })) as DeviceView;
    return print(context, device, formatDevice('Registered', device));
  },
};

export const devicesChangeCommand: Command = {
  words: ['devices', 'change'],
  synopsis: 'DEVICE [--name N] [--address A] [--mac M] [--cetp-ports P,..]',
  summary: 'Change a registered device (DEVICE is its name or id)',
  options: { name: { type: 'string', value: 'N', description: 'The new name' }, ...fieldOptions, ...JSON_OPTION },
  maxPositionals: 1,
  example: ['devices', 'change', 'PVS reception', '--address', '10.77.12.11'],
  async run(context) {
    const device = context.positionals[0];
    if (device === undefined) throw new UsageError('devices change needs the DEVICE (name or id)');
    const given = fields(context.values);
    const changed = (await context.client().action('devices.change', { device, ...given })) as DeviceView;
    return print(context, changed, formatDevice('Changed', changed));
  },
};

/**
 * `tibox devices VERB DEVICE [--json]`: asks the agent's `action` about one device and prints its
 * answer; `exampleDevice` names a device of the kind the command is for, for the help's example.
 */
function oneDeviceCommand<Answer>(verb: string, summary: string, action: string, exampleDevice: string, format: (device: string, answer: Answer) => string): Command {
  return {
    words: ['devices', verb],
    synopsis: 'DEVICE [--json]',
    summary,
    options: JSON_OPTION,
    maxPositionals: 1,
    example: ['devices', verb, exampleDevice],
    async run(context) {
      const device = context.positionals[0];
      if (device === undefined) throw new UsageError(`devices ${verb} needs the DEVICE (name or id)`);
      const answer = (await context.client().action(action, { device })) as Answer;
      return print(context, answer, format(device, answer));
    },
  };
}

export const devicesRemoveCommand = oneDeviceCommand<DeviceView>(
  'remove',
  'Remove a registered device (DEVICE is its name or id)',
  'devices.remove',
  'PVS reception',
  (_device, removed) => formatDevice('Removed', removed),
);

export const devicesHistoryCommand = oneDeviceCommand<Transition[]>(
  'history',
  'Show when a card terminal became unreachable and reachable again',
  'devices.reachability',
  'Terminal reception',
  formatHistory,
);

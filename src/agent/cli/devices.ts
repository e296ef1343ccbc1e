// `tibox devices list|register|change|remove|history`: the registered PVS hosts and card
// terminals. The CLI only shapes the arguments; the agent validates, stores and audits.
import type { DeviceView, Transition } from '../../lan/inventory/index.ts';
import { EXIT_OK, EXIT_USAGE, type Command, type CommandContext } from './command.ts';
import { formatDevice, formatDevices, formatHistory } from './formatDevices.ts';

const json = { json: { type: 'boolean' } } as const;
const fieldOptions = { address: { type: 'string' }, mac: { type: 'string' }, 'cetp-ports': { type: 'string' } } as const;

function print({ io, values }: CommandContext, value: unknown, text: string): number {
  io.stdout(values.json ? JSON.stringify(value, null, 2) + '\n' : text);
  return EXIT_OK;
}

function usage({ io }: CommandContext, message: string): number {
  io.stderr(`tibox: ${message}\nRun 'tibox help' for usage.\n`);
  return EXIT_USAGE;
}

/** '4000,4001' to numbers; '' for none. Undefined when the text is not a port list. */
function ports(text: string): number[] | undefined {
  if (text.trim() === '') return [];
  const list = text.split(',').map((p) => p.trim());
  return list.every((p) => /^\d{1,5}$/.test(p)) ? list.map(Number) : undefined;
}

/** The fields given as options, or a usage message. */
function fields(values: CommandContext['values']): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'address', 'mac'] as const) if (typeof values[key] === 'string') out[key] = values[key];
  const portText = values['cetp-ports'];
  if (typeof portText === 'string') {
    const list = ports(portText);
    if (!list) return '--cetp-ports takes port numbers separated by commas, e.g. 4000,4001';
    out.cetpPorts = list;
  }
  return out;
}

export const devicesListCommand: Command = {
  words: ['devices', 'list'],
  synopsis: '[--json]',
  summary: 'List the registered PVS hosts and card terminals',
  options: json,
  maxPositionals: 0,
  async run(context) {
    const devices = (await context.client().action('devices.list')) as DeviceView[];
    return print(context, devices, formatDevices(devices, context.io.now()));
  },
};

export const devicesRegisterCommand: Command = {
  words: ['devices', 'register'],
  synopsis: 'pvs|terminal NAME --address A --mac M [--cetp-ports P,..]',
  summary: 'Register a PVS host or card terminal by TI address and MAC',
  options: { ...fieldOptions, ...json },
  maxPositionals: 2,
  async run(context) {
    const [kind, name] = context.positionals;
    if (kind === undefined || name === undefined) return usage(context, 'devices register needs the kind (pvs or terminal) and a NAME');
    const given = fields(context.values);
    if (typeof given === 'string') return usage(context, given);
    const device = (await context.client().action('devices.register', { kind, name, ...given })) as DeviceView;
    return print(context, device, formatDevice('Registered', device));
  },
};

export const devicesChangeCommand: Command = {
  words: ['devices', 'change'],
  synopsis: 'DEVICE [--name N] [--address A] [--mac M] [--cetp-ports P,..]',
  summary: 'Change a registered device (DEVICE is its name or id)',
  options: { name: { type: 'string' }, ...fieldOptions, ...json },
  maxPositionals: 1,
  async run(context) {
    const device = context.positionals[0];
    if (device === undefined) return usage(context, 'devices change needs the DEVICE (name or id)');
    const given = fields(context.values);
    if (typeof given === 'string') return usage(context, given);
    const changed = (await context.client().action('devices.change', { device, ...given })) as DeviceView;
    return print(context, changed, formatDevice('Changed', changed));
  },
};

/** `tibox devices VERB DEVICE [--json]`: asks the agent's `action` about one device and prints its answer. */
function oneDeviceCommand<Answer>(verb: string, summary: string, action: string, format: (device: string, answer: Answer) => string): Command {
  return {
    words: ['devices', verb],
    synopsis: 'DEVICE [--json]',
    summary,
    options: json,
    maxPositionals: 1,
    async run(context) {
      const device = context.positionals[0];
      if (device === undefined) return usage(context, `devices ${verb} needs the DEVICE (name or id)`);
      const answer = (await context.client().action(action, { device })) as Answer;
      return print(context, answer, format(device, answer));
    },
  };
}

export const devicesRemoveCommand = oneDeviceCommand<DeviceView>(
  'remove',
  'Remove a registered device (DEVICE is its name or id)',
  'devices.remove',
  (_device, removed) => formatDevice('Removed', removed),
);

export const devicesHistoryCommand = oneDeviceCommand<Transition[]>(
  'history',
  'Show when a card terminal became unreachable and reachable again',
  'devices.reachability',
  formatHistory,
);

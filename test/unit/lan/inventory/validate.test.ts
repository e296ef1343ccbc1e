import { describe, expect, it } from 'vitest';
import type { Device, DeviceFields } from '../../../../src/lan/inventory/device.ts';
import { checkHalves } from '../../../../src/lan/inventory/segment.ts';
import { validateDevice, validateDeviceSet } from '../../../../src/lan/inventory/validate.ts';
import { HALVES } from './fixtures.ts';

const halves = checkHalves(HALVES);
const context = { halves, boxPorts: [{ port: 'LAN port lan0', mac: '52:54:00:12:34:56' }, { port: 'terminal bridge br-term', mac: '52:54:00:12:34:57' }] };
const pvs: DeviceFields = { kind: 'pvs', name: 'Empfang-PC', address: '10.77.12.10', mac: '00:1A:2B:3C:4D:5E', cetpPorts: [4001, 4000] };
const terminal: DeviceFields = { kind: 'terminal', name: 'Empfang-KT', address: '10.77.12.40', mac: '02-00-5E-10-00-40', cetpPorts: [] };
const stored: Device = {
  id: 7, kind: 'terminal', name: 'Labor-KT', address: '10.77.12.41', mac: '02:00:5e:10:00:41', cetpPorts: [],
  createdAt: '2025-05-01T00:00:00.000Z', changedAt: '2025-05-01T00:00:00.000Z',
};

const refusal = (fields: Partial<DeviceFields>, others: Device[] = [stored]) => {
  try {
    validateDevice({ ...pvs, ...fields }, context, others);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('validateDevice', () => {
  it('accepts a PVS host in the LAN half and returns canonical fields', () => {
    expect(validateDevice(pvs, context, [stored])).toEqual({ ...pvs, mac: '00:1a:2b:3c:4d:5e', cetpPorts: [4000, 4001] });
  });

  it('accepts a terminal in the terminal half, and one left on the practice LAN in the LAN half', () => {
    expect(validateDevice(terminal, context, [stored])).toMatchObject({ address: '10.77.12.40', mac: '02:00:5e:10:00:40' });
    expect(validateDevice({ ...terminal, address: '10.77.12.20' }, context, [stored]).address).toBe('10.77.12.20');
  });

  it.each([
    [{ mac: '00:1a:2b:3c:4d' }, 'TIBOX_DEVICE_INVALID_MAC', 'the MAC address "00:1a:2b:3c:4d" cannot be used: write six hex pairs separated by colons, e.g. 00:1a:2b:3c:4d:5e'],
    [{ mac: '00:1a-2b:3c:4d:5e' }, 'TIBOX_DEVICE_INVALID_MAC', 'write six hex pairs'],
    [{ mac: '01:00:5e:00:00:01' }, 'TIBOX_DEVICE_INVALID_MAC', 'it is a group (multicast or broadcast) address'],
    [{ mac: 'ff:ff:ff:ff:ff:ff' }, 'TIBOX_DEVICE_INVALID_MAC', 'group'],
    [{ mac: '00:00:00:00:00:00' }, 'TIBOX_DEVICE_INVALID_MAC', 'all-zero'],
    [{ address: '10.77.12.010' }, 'TIBOX_DEVICE_INVALID_ADDRESS', 'the address "10.77.12.010" is not an IPv4 address such as 10.77.12.10'],
    [{ address: '10.77.12.40' }, 'TIBOX_DEVICE_OUTSIDE_HALF', 'a PVS host needs an address in the LAN half 10.77.12.0/27; 10.77.12.40 is outside'],
    [{ address: '192.168.1.20' }, 'TIBOX_DEVICE_OUTSIDE_HALF', 'PVS host'],
    [{ address: '10.77.12.1' }, 'TIBOX_DEVICE_RESERVED_ADDRESS', "10.77.12.1 is the box's gateway address of the LAN half 10.77.12.0/27; choose another address in the LAN half 10.77.12.0/27"],
    [{ address: '10.77.12.0' }, 'TIBOX_DEVICE_RESERVED_ADDRESS', 'network address'],
    [{ address: '10.77.12.31' }, 'TIBOX_DEVICE_RESERVED_ADDRESS', 'broadcast address'],
    [{ cetpPorts: [0] }, 'TIBOX_DEVICE_INVALID_CETP_PORT', 'CETP port 0: must be a whole number from 1 to 65535'],
    [{ cetpPorts: [65_536] }, 'TIBOX_DEVICE_INVALID_CETP_PORT', '65536'],
    [{ cetpPorts: [4000.5] }, 'TIBOX_DEVICE_INVALID_CETP_PORT', '4000.5'],
    [{ cetpPorts: [4000, 4001, 4000] }, 'TIBOX_DEVICE_INVALID_CETP_PORT', 'CETP port 4000: is listed twice'],
    [{ cetpPorts: Array.from({ length: 17 }, (_, i) => 4000 + i) }, 'TIBOX_DEVICE_INVALID_FIELD', 'device field cetpPorts: must have at most 16 ports'],
    [{ kind: 'terminal' as const, address: '10.77.12.40' }, 'TIBOX_DEVICE_TERMINAL_CETP', 'a card terminal has no CETP ports'],
    [{ kind: 'terminal' as const, address: '10.77.12.33', cetpPorts: [] }, 'TIBOX_DEVICE_RESERVED_ADDRESS', "box's gateway address of the terminal half"],
    [{ kind: 'terminal' as const, address: '10.77.13.5', cetpPorts: [] }, 'TIBOX_DEVICE_OUTSIDE_HALF', 'a card terminal needs an address in the terminal half 10.77.12.32/27 or the LAN half 10.77.12.0/27'],
    [{ name: '' }, 'TIBOX_DEVICE_INVALID_FIELD', 'device field name: must not be empty'],
    [{ name: 'x'.repeat(64) }, 'TIBOX_DEVICE_INVALID_FIELD', 'at most 63 characters'],
    [{ name: 'Empfang\u0007' }, 'TIBOX_DEVICE_INVALID_FIELD', 'printable characters only'],
    [{ name: '12' }, 'TIBOX_DEVICE_INVALID_FIELD', 'must not be all digits'],
    [{ mac: '52-54-00-12-34-56' }, 'TIBOX_DEVICE_BOX_MAC', "the MAC address 52:54:00:12:34:56 is the box's own, on its LAN port lan0; enter the MAC of the device's own network card"],
    [{ kind: 'terminal' as const, address: '10.77.12.40', cetpPorts: [], mac: '52:54:00:12:34:57' }, 'TIBOX_DEVICE_BOX_MAC', 'on its terminal bridge br-term'],
    [{ mac: '02:00:5E:10:00:41' }, 'TIBOX_DEVICE_DUPLICATE', 'the MAC address 02:00:5e:10:00:41 is already registered for "Labor-KT"'],
    [{ address: '10.77.12.41', kind: 'terminal' as const, cetpPorts: [] }, 'TIBOX_DEVICE_DUPLICATE', 'the address 10.77.12.41 is already registered for "Labor-KT"'],
    [{ name: 'labor-kt' }, 'TIBOX_DEVICE_DUPLICATE', 'the name labor-kt is already registered for "Labor-KT"'],
  ])('refuses %j with %s', (fields, code, message) => {
    const got = refusal(fields);
    expect(got.code).toBe(code);
    expect(got.message).toContain(message);
  });

  it('lets a device keep its own values when it is left out of the others', () => {
    expect(validateDevice({ ...terminal, name: 'Labor-KT', mac: stored.mac, address: stored.address }, context, []).name).toBe('Labor-KT');
  });
});

describe('validateDeviceSet', () => {
  const restoring = { halves: undefined, boxPorts: context.boxPorts };

  it('takes a set whole in canonical form, without a segment anywhere the addresses parse', () => {
    expect(validateDeviceSet([pvs, { ...terminal, address: '192.168.50.7' }], restoring)).toEqual([
      { ...pvs, mac: '00:1a:2b:3c:4d:5e', cetpPorts: [4000, 4001] },
      { ...terminal, address: '192.168.50.7', mac: '02:00:5e:10:00:40' },
    ]);
  });

  it('refuses the whole set on its first problem: two devices of one address, a box MAC, an address that is none', () => {
    const code = (set: DeviceFields[]) => {
      try {
        validateDeviceSet(set, restoring);
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'accepted';
    };
    expect(code([pvs, { ...terminal, address: pvs.address }])).toBe('TIBOX_DEVICE_DUPLICATE');
    expect(code([{ ...pvs, mac: '52:54:00:12:34:56' }])).toBe('TIBOX_DEVICE_BOX_MAC');
    expect(code([{ ...pvs, address: '10.77.12' }])).toBe('TIBOX_DEVICE_INVALID_ADDRESS');
    // With a segment, each address is checked against its half as a registration is.
    expect(() => validateDeviceSet([{ ...pvs, address: '10.77.12.40' }], context)).toThrow(/needs an address in/);
  });
});

describe('checkHalves', () => {
  it.each([
    [{ lanHalf: '10.77.12.0/33' }, 'the LAN half "10.77.12.0/33" is not an IPv4 prefix without host bits'],
    [{ lanHalf: '10.77.12.5/27' }, 'the LAN half "10.77.12.5/27" is not an IPv4 prefix without host bits'],
    [{ terminalHalf: '10.77.12.16/28', terminalGateway: '10.77.12.17' }, 'the LAN half 10.77.12.0/27 and the terminal half 10.77.12.16/28 overlap'],
    [{ terminalHalf: '10.77.12.32/31', terminalGateway: '10.77.12.32' }, 'the terminal half 10.77.12.32/31 is too small'],
    [{ lanGateway: '10.77.12.40' }, 'the gateway "10.77.12.40" is not a host address in the LAN half 10.77.12.0/27'],
    [{ terminalGateway: '10.77.12.32' }, 'is not a host address in the terminal half'],
  ])('refuses %j', (change, message) => {
    expect(() => checkHalves({ ...HALVES, ...change })).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_INVALID_SEGMENT', message: expect.stringContaining(message) }));
  });
});

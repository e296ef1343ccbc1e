import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readChange, readDeviceArgs, readRegistration } from '../../../../src/lan/inventory/device.ts';
import { DeviceError } from '../../../../src/lan/inventory/errors.ts';
import { checkHalves } from '../../../../src/lan/inventory/segment.ts';
import { validateDevice } from '../../../../src/lan/inventory/validate.ts';
import { HALVES } from './fixtures.ts';

describe('reading device arguments', () => {
  it('reads a registration, trimming pasted blanks; CETP ports default to none', () => {
    expect(readRegistration({ kind: 'terminal', name: ' Empfang-KT ', address: '10.77.12.40 ', mac: '02:00:5e:10:00:40' })).toEqual({
      kind: 'terminal', name: 'Empfang-KT', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [],
    });
  });

  it.each([
    [null, 'device field (arguments): must be an object'],
    [[], 'device field (arguments): must be an object'],
    [{ kind: 'pvs', name: 'a', address: 'b' }, 'device field mac: is missing'],
    [{ kind: 'printer', name: 'a', address: 'b', mac: 'c' }, 'device field kind: must be pvs or terminal'],
    [{ kind: 'pvs', name: 1, address: 'b', mac: 'c' }, 'device field name: must be text'],
    [{ kind: 'pvs', name: 'a', address: 'b', mac: 'c', cetpPorts: '4000' }, 'device field cetpPorts: must be a list of TCP port numbers'],
    [{ kind: 'pvs', name: 'a', address: 'b', mac: 'c', cetpPorts: ['4000'] }, 'device field cetpPorts[0]: must be a number'],
    [{ kind: 'pvs', name: 'a', address: 'b', mac: 'c', vlan: 3 }, 'device field vlan: is not a known field'],
  ])('refuses the registration %j', (args, message) => {
    expect(() => readRegistration(args)).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_INVALID_FIELD', message }));
  });

  it('reads a change by name or by id (also an id given as text)', () => {
    expect(readChange({ device: 'Empfang-KT', address: '10.77.12.41' })).toEqual({ device: 'Empfang-KT', change: { address: '10.77.12.41' } });
    expect(readChange({ device: 3, cetpPorts: [4000] })).toEqual({ device: 3, change: { cetpPorts: [4000] } });
    expect(readDeviceArgs({ device: '3' }).device).toBe(3);
    expect(readDeviceArgs({ device: 'PC 1', limit: 5 }, ['limit'])).toEqual({ device: 'PC 1', options: { limit: 5 } });
  });

  it.each([
    [{ device: 'a' }, 'device field (change): name at least one of kind, name, address, mac, cetpPorts to change'],
    [{ name: 'b' }, 'device field device: must name a registered device by its name or id'],
    [{ device: 0, name: 'b' }, 'device field device: must name a registered device by its name or id'],
    [{ device: ' ', name: 'b' }, 'device field device: must name a registered device by its name or id'],
  ])('refuses the change %j', (args, message) => {
    expect(() => readChange(args)).toThrow(message);
  });
});

describe('any input from a caller', () => {
  const refusedCleanly = (act: () => unknown) => {
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(DeviceError);
    }
  };

  it('is read and validated, or refused with a DeviceError, never anything else', () => {
    const text = fc.oneof(fc.string(), fc.ipV4(), fc.constantFrom('10.77.12.10', '02:00:5e:10:00:40', 'pvs', 'terminal'));
    const args = fc.oneof(
      fc.anything(),
      fc.record({ kind: fc.oneof(text, fc.anything()), name: text, address: text, mac: text, cetpPorts: fc.array(fc.oneof(fc.integer(), fc.double(), fc.anything()), { maxLength: 20 }) }, { requiredKeys: [] }),
    );
    const halves = checkHalves(HALVES);
    fc.assert(
      fc.property(args, (input) => {
        refusedCleanly(() => validateDevice(readRegistration(input), { halves, boxPorts: [] }, []));
        refusedCleanly(() => readChange(input));
      }),
    );
  });
});

// RAUC's status and install output, as the driver reads them (samples printed by RAUC 1.8).
import { describe, expect, it } from 'vitest';
import { bootedSlot, installFailure, installSteps, otherSlot, parseRaucStatus } from '../../../../src/updater/rauc/index.ts';

// `rauc status --detailed --output-format=json` after an install into B while A runs.
const AFTER_INSTALL = JSON.stringify({
  compatible: 'tibox-lab', variant: '', booted: 'A', boot_primary: 'rootfs.1',
  slots: [
    { 'rootfs.1': {
      class: 'rootfs', device: '/x/slot-B.img', type: 'raw', bootname: 'B', state: 'inactive', parent: null, mountpoint: null, boot_status: 'good',
      slot_status: { bundle: { compatible: 'tibox-lab', version: '2.0.0' }, checksum: { sha256: 'a7de', size: 4096 }, installed: { timestamp: '2026-12-07T13:45:38Z', count: 1 }, status: 'ok' },
    } },
    { 'rootfs.0': { class: 'rootfs', device: '/x/slot-A.img', type: 'raw', bootname: 'A', state: 'booted', parent: null, mountpoint: null, boot_status: 'good', slot_status: { bundle: { compatible: null } } } },
  ],
});

describe('parseRaucStatus', () => {
  it('reads the booted slot, the primary, and per slot its state, health and version', () => {
    const status = parseRaucStatus(AFTER_INSTALL);
    expect(status).toEqual({
      compatible: 'tibox-lab', booted: 'A', bootPrimary: 'rootfs.1',
      slots: [
        { name: 'rootfs.0', bootname: 'A', state: 'booted', bootStatus: 'good', version: undefined, installedAt: undefined },
        { name: 'rootfs.1', bootname: 'B', state: 'inactive', bootStatus: 'good', version: '2.0.0', installedAt: '2026-12-07T13:45:38Z' },
      ],
    });
    expect(bootedSlot(status)?.name).toBe('rootfs.0');
    expect(otherSlot(status)?.name).toBe('rootfs.1');
  });

  it.each([
    ['not JSON', 'rauc: oops', /^rauc status: not JSON/],
    ['no slot list', '{"compatible":"x","booted":"A"}', 'rauc status: slots is not a list'],
    ['a slot of two names', '{"compatible":"x","booted":"A","slots":[{"a":{},"b":{}}]}', 'rauc status: slots[0] is not one named slot'],
    ['a state that is no string', '{"compatible":"x","booted":"A","slots":[{"rootfs.0":{"state":1}}]}', 'rauc status: slot rootfs.0: state is not a string'],
    ['no booted slot', '{"compatible":"x","slots":[]}', 'rauc status: booted is not a string'],
  ])('refuses %s, naming the field', (_name, json, message) => {
    expect(() => parseRaucStatus(json)).toThrow(message);
  });
});

describe('install output', () => {
  const OK = '  0% Installing\n 20% Determining slot states done.\n 90% Copying image to rootfs.1\n100% Installing done.\n';
  const REFUSED = '  0% Installing\n100% Installing failed.\nLastError: Installation error: Compatible mismatch: Expected \'tibox-lab\' but bundle manifest has \'other-box\'\n';

  it('reads the progress steps', () => {
    expect(installSteps(OK)).toEqual([
      { percent: 0, message: 'Installing' }, { percent: 20, message: 'Determining slot states done.' },
      { percent: 90, message: 'Copying image to rootfs.1' }, { percent: 100, message: 'Installing done.' },
    ]);
  });

  it("takes RAUC's LastError as the reason of a failure, else its last word", () => {
    expect(installFailure(REFUSED, 'Installing `/x.raucb` failed\n')).toBe("Installation error: Compatible mismatch: Expected 'tibox-lab' but bundle manifest has 'other-box'");
    expect(installFailure('', 'Failed to connect to the service\n')).toBe('Failed to connect to the service');
    expect(installFailure('', '')).toBe('rauc install failed and said nothing');
  });
});

// What a restore would change, shown before it is applied.
import { describe, expect, it } from 'vitest';
import { restorePreview } from '../../../../src/agent/backup/restorePreview.ts';

const PVS = { kind: 'pvs' as const, name: 'PVS Empfang', address: '10.77.12.10', mac: '02:00:00:00:00:10', cetpPorts: [8010] };
const TERMINAL = { kind: 'terminal' as const, name: 'ORGA Empfang', address: '10.77.12.40', mac: '02:00:00:00:00:40', cetpPorts: [] };
const BOX = { serial: 'TBX-00012345', name: 'Empfang', signer: 'key-a' };

describe('restorePreview', () => {
  it('lists the config fields that differ, and the devices added, lost and changed', () => {
    const preview = restorePreview({
      current: { config: { practice: { name: '', city: 'Berlin' }, interfaces: { terminals: ['term0'] } }, devices: [PVS] },
      restored: { config: { practice: { name: 'Praxis', city: 'Berlin' }, interfaces: { terminals: [] } }, devices: [{ ...PVS, cetpPorts: [8011] }, TERMINAL] },
      backupBox: BOX,
      thisBox: BOX,
    });
    expect(preview).toEqual({
      changes: [
        { path: 'interfaces.terminals', now: ['term0'], restored: [] },
        { path: 'practice.name', now: '', restored: 'Praxis' },
      ],
      devices: { added: ['ORGA Empfang'], removed: [], changed: ['PVS Empfang'] },
    });
  });

  it('names both boxes when the backup was signed by another one', () => {
    const preview = restorePreview({
      current: { config: {}, devices: [PVS] },
      restored: { config: {}, devices: [] },
      backupBox: { serial: 'TBX-00099999', name: 'Alte Box', signer: 'key-b' },
      thisBox: BOX,
    });
    expect(preview.otherBox).toEqual({ backup: { serial: 'TBX-00099999', name: 'Alte Box' }, thisBox: { serial: 'TBX-00012345', name: 'Empfang' } });
    expect(preview.devices.removed).toEqual(['PVS Empfang']);
  });
});

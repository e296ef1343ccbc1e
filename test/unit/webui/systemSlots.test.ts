// The system page's A/B slots in the page's language: RAUC's states and boot states through the
// catalogue (a state it does not know as RAUC names it), and an update service that did not answer
// said in words, not with its own English error.
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../src/webui/pages/html.ts';
import { SystemPage, type SystemPageProps } from '../../../src/webui/pages/systemPage.ts';

const page = (slots: SystemPageProps['slots'], language: SystemPageProps['language'] = 'de') =>
  renderPage(SystemPage({ language, fingerprint: 'AA:BB', session: { user: 'admin', csrf: 'token' }, version: '1.4.2', slots, firewall: undefined, ruleset: undefined, listening: [], protocols: [], host: '192.168.1.2' }));

describe('the system page slots', () => {
  it('names slot and boot states in the page language, and an unknown one as RAUC does', () => {
    const slots = [
      { name: 'rootfs.0', bootname: 'A', state: 'active', bootStatus: 'bad', version: '1.4.2' },
      { name: 'rootfs.1', bootname: 'B', state: 'mirrored', bootStatus: undefined, version: undefined },
    ];
    const de = page({ booted: 'B', slots });
    expect(de).toContain('<td>rootfs.0 (A)</td><td>aktiv</td><td>1.4.2</td><td>fehlerhaft</td>');
    expect(de).toContain('<td>rootfs.1 (B)</td><td>gestartet</td><td></td><td></td>');
    expect(page({ booted: 'A', slots }, 'en')).toContain('<td>rootfs.1 (B)</td><td>mirrored</td>');
  });

  it('says the update service did not answer, without its English error', () => {
    const shown = page({ booted: undefined, slots: [], error: 'rauc: D-Bus connection refused' });
    expect(shown).toContain('Der Update-Dienst hat nicht geantwortet; die Systemteile sind unbekannt.');
    expect(shown).not.toContain('D-Bus');
    expect(page({ booted: undefined, slots: [] })).toContain('Diese Box meldet keine A/B-Systemteile.');
  });
});

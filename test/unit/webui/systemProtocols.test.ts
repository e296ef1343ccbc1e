// The system page's installation protocols: each kept one with its verdict in words and a download
// in either language; none kept said so, and an agent that did not answer said as such.
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../src/webui/pages/html.ts';
import { SystemPage, type SystemPageProps } from '../../../src/webui/pages/systemPage.ts';

const page = (protocols: SystemPageProps['protocols'], language: SystemPageProps['language'] = 'de') =>
  renderPage(SystemPage({ language, fingerprint: 'AA:BB', session: { user: 'admin', csrf: 'token' }, version: '1.4.2', slots: undefined, firewall: undefined, ruleset: undefined, listening: [], protocols, host: '192.168.1.2' }));

const KEPT = [
  { id: 2, createdAt: '2026-12-08T10:30:00Z', practice: 'Praxis Dr. Muster', verdict: 'fail' as const },
  { id: 1, createdAt: '2026-12-08T09:30:00Z', practice: 'Praxis Dr. Muster', verdict: 'pass' as const },
];

describe('the system page protocols', () => {
  it('lists each with its verdict and a PDF in German and in English', () => {
    const de = page(KEPT);
    expect(de).toContain('<h2 id="protocols-title">Installationsprotokolle</h2>');
    expect(de).toMatch(/<td>2<\/td><td>[^<]+<\/td><td>Praxis Dr\. Muster<\/td><td>nicht bestanden<\/td>/);
    expect(de).toContain('<a href="/system/protocols/2.pdf?lang=de" download>PDF auf Deutsch</a>');
    expect(de).toContain('<a href="/system/protocols/1.pdf?lang=en" download>PDF auf Englisch</a>');
    const en = page(KEPT, 'en');
    expect(en).toMatch(/<td>1<\/td><td>[^<]+<\/td><td>Praxis Dr\. Muster<\/td><td>passed<\/td>/);
    expect(en).toContain('PDF in English');
  });

  it('says when none is kept, and when the agent did not answer', () => {
    expect(page([], 'en')).toContain('No installation protocol has been made yet.');
    expect(page(undefined, 'en')).toMatch(/protocols-title[\s\S]*class="error"/);
  });
});

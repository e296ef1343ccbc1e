// The protocol's PDF read back as text with pdftotext (poppler-utils), in both languages, and a
// failed check named on its first page, in the red box pdftoppm shows at its top.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRunner } from '../../../../src/core/runner.ts';
import { protocolContent } from '../../../../src/agent/protocol/protocolContent.ts';
import { renderProtocolPdf } from '../../../../src/agent/protocol/protocolPdf.ts';
import type { ProtocolLanguage } from '../../../../src/agent/protocol/protocolTexts.ts';
import { FAILING, facts } from './protocolFacts.ts';

const dir = mkdtempSync(join(tmpdir(), 'tibox-protocol-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text of the PDF's pages, first to last (pdftotext separates pages by form feeds). */
async function pagesOf(content: ReturnType<typeof protocolContent>, language: ProtocolLanguage): Promise<string[]> {
  const file = join(dir, `${content.id}-${language}.pdf`);
  writeFileSync(file, await renderProtocolPdf(content, language));
  const { stdout } = await processRunner.run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout.split('\f');
}

describe('the protocol PDF', () => {
  it('says in German what the box is, whose it is and what the test found', async () => {
    const pages = await pagesOf(protocolContent(facts(), 3), 'de');
    const text = pages.join('\n');
    expect(pages[0]).toContain('Installationsprotokoll');
    expect(pages[0]).toContain('Funktionstest bestanden');
    for (const expected of ['Praxis Dr. Müller-Weiß', 'Hauptstraße 5, 80331 München', '021234500', 'Jörg Schäfer', 'Praxis-IT Süd GmbH', 'TBX-00012345', '0.1.0',
      'CN=box-0001.dc.tibox.test', 'AB:CD:EF:01', '10.77.12.0/24', 'PVS Empfang', '02:00:5e:10:00:10', '8010', 'Kartenterminal Empfang', 'Tunnel', 'bestanden',
      'bedingte Weiterleitung', 'Unterschrift – Installateur', 'Unterschrift – Praxis']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Installation protocol');
  });

  it('says the same in English on request', async () => {
    const text = (await pagesOf(protocolContent(facts(), 3), 'en')).join('\n');
    for (const expected of ['Installation protocol', 'Function test passed', 'Operating-site number (BSNR)', 'Praxis Dr. Müller-Weiß', 'TBX-00012345', 'PVS Empfang', 'passed', 'conditional forwarding', 'Signature – Practice']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Installationsprotokoll');
  });

  it('names a failed check on its first page, in both languages', async () => {
    const content = protocolContent(facts({ test: FAILING }), 4);
    const de = await pagesOf(content, 'de');
    expect(de[0]).toContain('FUNKTIONSTEST NICHT BESTANDEN');
    expect(de[0]).toMatch(/Fehlgeschlagen: 4 VPN-Passthrough.*, 7 Tunnel/);
    expect(de.join('\n')).toContain('lässt UDP 4500 nicht durch');
    const en = await pagesOf(content, 'en');
    expect(en[0]).toContain('FUNCTION TEST FAILED');
    expect(en[0]).toMatch(/Failed: 4 VPN passthrough.*, 7 Tunnel/);
  });

  it('says on its first page when no test was run', async () => {
    const [first] = await pagesOf(protocolContent(facts({ test: undefined }), 5), 'de');
    expect(first).toContain('Kein Funktionstest durchgeführt');
  });

  it('draws the verdict as a coloured box at the top of the first page: red for a failed test, green for a passed one', async () => {
    const share = async (test: Parameters<typeof facts>[0], colour: readonly [number, number, number]) => {
      const file = join(dir, `colour-${colour.join('-')}.pdf`);
      writeFileSync(file, await renderProtocolPdf(protocolContent(facts(test), 6), 'de'));
      await processRunner.run('pdftoppm', ['-r', '20', '-f', '1', '-l', '1', '-singlefile', file, join(dir, 'page')]);
      return topThirdShare(readFileSync(join(dir, 'page.ppm')), colour);
    };
    const red = [0xfb, 0xe1, 0xe1] as const;
    const green = [0xe3, 0xf1, 0xe5] as const;
    expect(await share({ test: FAILING }, red)).toBeGreaterThan(0.05);
    expect(await share({ test: FAILING }, green)).toBe(0);
    expect(await share({}, green)).toBeGreaterThan(0.05);
    expect(await share({}, red)).toBe(0);
  });
});

/** The share of the top third's pixels in a binary PPM (P6) that have `colour`, give or take a little. */
function topThirdShare(ppm: Buffer, colour: readonly [number, number, number]): number {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header?.[1] || !header[2]) throw new Error('not a binary PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(header[0].length);
  const count = width * Math.floor(height / 3);
  let matching = 0;
  for (let i = 0; i < count; i++) {
    if ([0, 1, 2].every((c) => Math.abs((pixels[i * 3 + c] ?? 0) - colour[c as 0 | 1 | 2]) <= 3)) matching++;
  }
  return matching / count;
}

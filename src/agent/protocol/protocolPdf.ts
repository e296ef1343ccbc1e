// The installation protocol as a PDF, A4, from its content in one language. pdfkit's standard
// Helvetica is built into every PDF reader and carries German umlauts, ß and € (WinAnsi), so no
// font file is embedded and nothing is fetched. The first page says the verdict: a failed check
// is named there in red, whatever follows.
import PDFDocument from 'pdfkit';
import type { CheckResult, Verdict } from '../check/result.ts';
import type { ProtocolContent } from './protocolContent.ts';
import { PROTOCOL_LABELS, protocolTime, type ProtocolLanguage } from './protocolTexts.ts';

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#1a1a1a';
const MUTED = '#5c5c5c';
const RULE = '#c8c8c8';
const BAND = '#1f3a5f';
const VERDICT_COLOURS: Readonly<Record<ProtocolContent['verdict'], { fill: string; ink: string }>> = {
  pass: { fill: '#e3f1e5', ink: '#1d6b2c' },
  warn: { fill: '#fbf0d9', ink: '#8a5a00' },
  fail: { fill: '#fbe1e1', ink: '#b00020' },
  none: { fill: '#ececec', ink: INK },
};
const CHECK_INK: Readonly<Record<Verdict, string>> = { pass: '#1d6b2c', warn: '#8a5a00', fail: '#b00020', skipped: MUTED };

export function renderProtocolPdf(content: ProtocolContent, language: ProtocolLanguage): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: language,
    // A fixed creation date: the same protocol renders to the same bytes.
    info: { Title: `${PROTOCOL_LABELS[language].title} ${content.id}`, Author: 'tibox', CreationDate: new Date(content.createdAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new Layout(doc, content, language).draw();
  doc.end();
  return done;
}

class Layout {
  private readonly doc: PDFDocument;
  private readonly content: ProtocolContent;
  private readonly language: ProtocolLanguage;
  private readonly l: (typeof PROTOCOL_LABELS)[ProtocolLanguage];
  private readonly width: number;

  constructor(doc: PDFDocument, content: ProtocolContent, language: ProtocolLanguage) {
    this.doc = doc;
    this.content = content;
    this.language = language;
    this.l = PROTOCOL_LABELS[language];
    this.width = doc.page.width - 2 * MARGIN;
  }

  draw(): void {
    this.header();
    this.verdict();
    this.practiceAndBox();
    this.identity();
    this.devices();
    this.checks();
    this.signatures();
    this.footers();
  }

  private header(): void {
    const { doc, content, l } = this;
    doc.rect(0, 0, doc.page.width, 86).fill(BAND);
    doc.font(BOLD).fontSize(20).fillColor('#ffffff').text(l.title, MARGIN, 26, { width: this.width / 2 });
    doc.font(FONT).fontSize(9).text(`${l.number} ${content.id} · ${l.created} ${protocolTime(content.createdAt, this.language)}`, MARGIN, 54, { width: this.width / 2 });
    const right = MARGIN + this.width / 2;
    doc.font(BOLD).fontSize(11).text(content.practice.name || l.none, right, 26, { width: this.width / 2, align: 'right' });
    doc.font(FONT).fontSize(9).text(`${l.box} ${content.box.serial ?? l.none} · Firmware ${content.box.firmwareVersion}`, right, 44, { width: this.width / 2, align: 'right' });
    if (content.practice.bsnr) doc.text(`BSNR ${content.practice.bsnr}`, right, 57, { width: this.width / 2, align: 'right' });
    doc.y = 106;
  }

  private verdict(): void {
    const { doc, content, l } = this;
    const colours = VERDICT_COLOURS[content.verdict];
    const failed = (content.test?.checks ?? []).filter((c) => c.verdict === 'fail');
    const lines = [
      ...(failed.length > 0 ? [`${l.failedChecks}: ${failed.map((c) => `${c.number} ${c.title[this.language]}`).join(', ')}`] : []),
      ...(content.test ? [`${l.testRun}: ${protocolTime(content.test.finishedAt, this.language)}`] : []),
      ...(content.staleness === 'none' ? [] : [l.staleness[content.staleness]]),
    ];
    const inner = this.width - 24;
    doc.font(BOLD).fontSize(13);
    const headHeight = doc.heightOfString(l.summary[content.verdict], { width: inner });
    doc.font(FONT).fontSize(10);
    const bodyHeight = lines.reduce((sum, line) => sum + doc.heightOfString(line, { width: inner }) + 3, 0);
    const top = doc.y;
    const height = headHeight + bodyHeight + 24;
    doc.rect(MARGIN, top, this.width, height).fill(colours.fill);
    doc.rect(MARGIN, top, 5, height).fill(colours.ink);
    doc.font(BOLD).fontSize(13).fillColor(colours.ink).text(l.summary[content.verdict], MARGIN + 16, top + 12, { width: inner });
    doc.font(FONT).fontSize(10).fillColor(INK);
    for (const line of lines) doc.text(line, MARGIN + 16, doc.y + 3, { width: inner });
    doc.y = top + height + 18;
  }

  private practiceAndBox(): void {
    const { content, l } = this;
    const p = content.practice;
    const address = [p.street, [p.postalCode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    this.section(l.practice);
    this.pairs([
      [l.name, p.name],
      [l.address, address],
      [l.bsnr, p.bsnr],
      [l.installer, p.installerName],
      [l.company, p.installerCompany],
    ]);
    this.section(l.box);
    this.pairs([
      [l.serial, content.box.serial ?? ''],
      [l.firmware, content.box.firmwareVersion],
      [l.tiSegment, content.tiSegment ?? ''],
    ]);
  }

  private identity(): void {
    const { content, l } = this;
    const id = content.identity;
    this.section(l.identity);
    this.pairs([
      [l.boxId, id?.boxId ?? ''],
      [l.subject, id ? id.subject.split('\n').join(', ') : ''],
      [l.fingerprint, id?.fingerprint256 ?? ''],
      [l.validity, id ? `${protocolTime(id.notBefore, this.language)} – ${protocolTime(id.notAfter, this.language)}` : ''],
    ]);
  }

  private devices(): void {
    const { content, l } = this;
    this.section(l.devices);
    if (content.devices.length === 0) {
      this.doc.font(FONT).fontSize(10).fillColor(MUTED).text(l.noDevices, MARGIN, this.doc.y);
      this.doc.y += 8;
      return;
    }
    this.table(
      [l.deviceName, l.tiAddress, l.mac, l.cetpPorts],
      [0.4, 0.2, 0.25, 0.15],
      content.devices.map((d) => ({ cells: [`${d.name} (${l.kind[d.kind] ?? d.kind})`, d.address, d.mac, d.cetpPorts.join(', ') || l.none] })),
    );
  }

  private checks(): void {
    const { content, l } = this;
    this.section(l.checks);
    if (!content.test) {
      this.doc.font(FONT).fontSize(10).fillColor(MUTED).text(l.staleness.noRun, MARGIN, this.doc.y);
      this.doc.y += 8;
      return;
    }
    this.table(
      ['#', l.check, l.value, l.result],
      [0.06, 0.3, 0.48, 0.16],
      content.test.checks.map((c) => ({ cells: [String(c.number), c.title[this.language], c.value, l.verdicts[c.verdict]], verdict: c.verdict, remark: remarkOf(c, this.language) })),
    );
  }

  private signatures(): void {
    const { doc, l } = this;
    this.section(l.signatures, 90);
    const top = doc.y + 40;
    const column = (this.width - 30) / 2;
    for (const [index, who] of [l.signInstaller, l.signPractice].entries()) {
      const x = MARGIN + index * (column + 30);
      doc.lineWidth(0.7).strokeColor(INK).moveTo(x, top).lineTo(x + column, top).stroke();
      doc.font(FONT).fontSize(8).fillColor(MUTED).text(`${l.placeDate}, ${l.signature} – ${who}`, x, top + 4, { width: column });
    }
    doc.y = top + 20;
  }

  private footers(): void {
    const { doc, content, l } = this;
    const range = doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      doc.switchToPage(index);
      const text = `${l.title} ${content.id} · ${content.practice.name || l.none} · ${l.page} ${index + 1} / ${range.count}`;
      // Written inside the bottom margin: pdfkit would otherwise start a page for it.
      const bottom = doc.page.height - MARGIN;
      const margins = { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN };
      Object.assign((doc as unknown as { page: { margins: typeof margins } }).page.margins, margins);
      doc.font(FONT).fontSize(8).fillColor(MUTED).text(text, MARGIN, bottom + 16, { width: this.width, align: 'center' });
    }
  }

  private section(title: string, needs = 60): void {
    const { doc } = this;
    this.room(needs);
    doc.font(BOLD).fontSize(12).fillColor(BAND).text(title, MARGIN, doc.y);
    const y = doc.y + 2;
    doc.lineWidth(0.8).strokeColor(BAND).moveTo(MARGIN, y).lineTo(MARGIN + this.width, y).stroke();
    doc.y = y + 6;
  }

  private pairs(rows: readonly (readonly [string, string])[]): void {
    const { doc, l } = this;
    const keyWidth = 170;
    for (const [key, value] of rows) {
      doc.font(FONT).fontSize(10);
      const height = Math.max(doc.heightOfString(value || l.none, { width: this.width - keyWidth }), 12);
      this.room(height + 4);
      const y = doc.y;
      doc.fillColor(MUTED).text(key, MARGIN, y, { width: keyWidth - 8 });
      doc.fillColor(INK).text(value || l.none, MARGIN + keyWidth, y, { width: this.width - keyWidth });
      doc.y = y + height + 4;
    }
    doc.y += 8;
  }

  private table(heads: readonly string[], shares: readonly number[], rows: readonly { cells: readonly string[]; verdict?: Verdict; remark?: string }[]): void {
    const { doc } = this;
    const widths = shares.map((s) => s * this.width);
    const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const pad = 4;
    const head = (): void => {
      const y = doc.y;
      doc.rect(MARGIN, y, this.width, 18).fill('#e8edf3');
      doc.font(BOLD).fontSize(9).fillColor(INK);
      heads.forEach((h, i) => doc.text(h, (xs[i] ?? MARGIN) + pad, y + 5, { width: (widths[i] ?? 0) - 2 * pad }));
      doc.y = y + 18;
    };
    this.room(40);
    head();
    for (const row of rows) {
      doc.font(FONT).fontSize(9);
      const cellHeight = Math.max(...row.cells.map((c, i) => doc.heightOfString(c, { width: (widths[i] ?? 0) - 2 * pad })));
      doc.fontSize(8);
      const remarkWidth = this.width - (widths[0] ?? 0) - 2 * pad;
      const remarkHeight = row.remark ? doc.heightOfString(row.remark, { width: remarkWidth }) + 3 : 0;
      const height = cellHeight + remarkHeight + 2 * pad;
      if (this.room(height)) head();
      const y = doc.y;
      row.cells.forEach((cell, i) => {
        const last = i === row.cells.length - 1;
        doc.font(last && row.verdict ? BOLD : FONT).fontSize(9).fillColor(last && row.verdict ? CHECK_INK[row.verdict] : INK);
        doc.text(cell, (xs[i] ?? MARGIN) + pad, y + pad, { width: (widths[i] ?? 0) - 2 * pad });
      });
      if (row.remark) doc.font(FONT).fontSize(8).fillColor(MUTED).text(row.remark, (xs[1] ?? MARGIN) + pad, y + pad + cellHeight + 3, { width: remarkWidth });
      doc.lineWidth(0.5).strokeColor(RULE).moveTo(MARGIN, y + height).lineTo(MARGIN + this.width, y + height).stroke();
      doc.y = y + height;
    }
    doc.y += 14;
  }

  /** Starts a new page when less than `height` is left on this one; says whether it did. */
  private room(height: number): boolean {
    const { doc } = this;
    if (doc.y + height <= doc.page.height - MARGIN) return false;
    doc.addPage();
    doc.y = MARGIN;
    return true;
  }
}

/** What the installer did or should do about a check, below it: its fix and its note. */
function remarkOf(check: CheckResult, language: ProtocolLanguage): string | undefined {
  const parts = [check.fix?.[language], check.note?.[language]].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : undefined;
}

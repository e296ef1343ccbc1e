// The kept protocols: the 21st drops the oldest, numbers are never given twice, and a request for
// one is read or refused in words.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { protocolContent } from '../../../../src/agent/protocol/protocolContent.ts';
import { PROTOCOLS_KEPT, nextProtocolId, protocolsToDrop } from '../../../../src/agent/protocol/protocolRetention.ts';
import { Protocols, readProtocolRequest } from '../../../../src/agent/protocol/protocols.ts';
import { ProtocolStore } from '../../../../src/agent/protocol/protocolStore.ts';
import { createLogger } from '../../../../src/core/index.ts';
import { FAILING, facts } from './protocolFacts.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function protocolsIn(stateDir: string, audited: unknown[] = []): Protocols {
  return new Protocols({
    store: new ProtocolStore(stateDir),
    facts: () => Promise.resolve(facts({ test: FAILING })),
    audit: (actor, action, detail) => audited.push({ actor, action, detail }),
    log: createLogger({ level: 'silent' }),
  });
}

describe('retention', () => {
  it('keeps the newest 20 and numbers on from the highest', () => {
    expect(PROTOCOLS_KEPT).toBe(20);
    const ids = Array.from({ length: 20 }, (_, i) => i + 3);
    expect(nextProtocolId(ids)).toBe(23);
    expect(nextProtocolId([])).toBe(1);
    expect(protocolsToDrop(ids, 23)).toEqual([3]);
    expect(protocolsToDrop(ids.slice(1), 23)).toEqual([]);
  });
});

describe('the protocols kept on the box', () => {
  it('drops the oldest when the 21st is made, and keeps numbering', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tibox-protocols-'));
    dirs.push(stateDir);
    const audited: unknown[] = [];
    const protocols = protocolsIn(stateDir, audited);
    for (let i = 0; i < 21; i++) await protocols.make('local-cli');
    const listed = await protocols.list();
    expect(listed.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => 21 - i));
    expect(readdirSync(join(stateDir, 'protocols'))).toHaveLength(20);
    expect(audited[20]).toEqual({ actor: 'local-cli', action: 'protocol.make', detail: { id: 21, verdict: 'fail', staleness: 'none' } });
    await expect(protocols.get({ id: 1, language: 'de', format: 'json' })).rejects.toThrow('no installation protocol number 1: the box keeps numbers 2 to 21');
    expect((await protocolsIn(stateDir).make('local-cli')).id).toBe(22);
  });

  it('answers the newest by default, as JSON or as a PDF', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tibox-protocols-'));
    dirs.push(stateDir);
    const protocols = protocolsIn(stateDir);
    await expect(protocols.get({ language: 'de', format: 'pdf' })).rejects.toThrow('no installation protocol kept: make one with `tibox protocol make`');
    await protocols.make('a');
    await protocols.make('b');
    const json = await protocols.get({ language: 'de', format: 'json' });
    expect(json).toEqual({ id: 2, format: 'json', content: protocolContent(facts({ test: FAILING }), 2) });
    const pdf = await protocols.get({ id: 1, language: 'en', format: 'pdf' });
    expect(pdf).toMatchObject({ id: 1, format: 'pdf', language: 'en', filename: `installation-protocol-1-${new Date().toISOString().slice(0, 10)}.pdf` });
    expect(pdf.format === 'pdf' && Buffer.from(pdf.pdf, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('readProtocolRequest', () => {
  it('takes id, lang and format, German PDF of the newest by default', () => {
    expect(readProtocolRequest({})).toEqual({ language: 'de', format: 'pdf' });
    expect(readProtocolRequest({ id: 3, lang: 'en', format: 'json' })).toEqual({ id: 3, language: 'en', format: 'json' });
  });

  it('refuses a bad value in words', () => {
    expect(() => readProtocolRequest({ id: 0 })).toThrow("id must be a protocol's number, a whole number from 1; got 0");
    expect(() => readProtocolRequest({ id: '2' })).toThrow('got "2"');
    expect(() => readProtocolRequest({ lang: 'fr' })).toThrow('lang must be de or en; got "fr"');
    expect(() => readProtocolRequest({ format: 'docx' })).toThrow('format must be pdf or json');
    expect(() => readProtocolRequest({ path: '/etc/passwd' })).toThrow('unknown argument path');
  });
});

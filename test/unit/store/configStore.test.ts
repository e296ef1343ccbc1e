import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore, ConfigValidationError, SECRET_MARK } from '../../../src/agent/store/configStore.ts';
import { openDatabase, type Db } from '../../../src/agent/store/database.ts';
import { processRunner } from '../../../src/core/runner.ts';
import { defineSchema } from '../../../src/agent/store/schema.ts';

const text = { de: 'Text', en: 'Text' };
// A schema of its own, with a secret, so the store is tested apart from the tibox config.
const SCHEMA = defineSchema({
  site: { name: { type: 'string', minLength: 1, maxLength: 20, default: 'site', label: text, help: text } },
  vpn: {
    psk: { type: 'string', minLength: 0, maxLength: 64, default: '', secret: true, label: text, help: text },
    port: { type: 'integer', min: 1, max: 65535, default: 4500, label: text, help: text },
  },
  lan: { dns: { type: 'list', of: { type: 'ipv4' }, minItems: 0, maxItems: 3, unique: true, default: [], label: text, help: text } },
});

describe('ConfigStore', () => {
  let dir: string;
  let db: Db;
  let minute: number;
  // Each reading of the clock is one minute later than the one before.
  const now = () => new Date(Date.UTC(2025, 2, 1, 8, minute++));
  const store = () => new ConfigStore({ db, schema: SCHEMA, now });
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const overwrite = (revision: number, json: string) =>
    db.prepare('UPDATE config_revisions SET config = ? WHERE revision = ?').run(json, revision);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-config-'));
    db = openDatabase(dir).db;
    minute = 0;
  });
  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens and loads without leaving garbage whose finalizer aborts Node 24 (a statement, an iterator)', async () => {
    const { stdout } = await processRunner.run(process.execPath, [fileURLToPath(new URL('configLoadUnderGc.ts', import.meta.url))], { timeoutMs: 9_000 });
    expect(stdout).toBe('survived\n');
  });

  it('serves the defaults as revision 0 while nothing is stored', () => {
    expect(store().load()).toEqual({ config: { site: { name: 'site' }, vpn: { psk: '', port: 4500 }, lan: { dns: [] } }, revision: 0 });
  });

  it('keeps committed revisions across re-opening the database', () => {
    expect(store().commit({ site: { name: 'Praxis Nord' }, lan: { dns: ['10.0.0.1'] } }, 'admin').revision).toBe(1);
    expect(store().commit({ vpn: { port: 500 } }, 'hawkbit').revision).toBe(2);
    db.close();
    db = openDatabase(dir).db;
    expect(store().load()).toEqual({ config: { site: { name: 'Praxis Nord' }, vpn: { psk: '', port: 500 }, lan: { dns: ['10.0.0.1'] } }, revision: 2 });
  });

  it('replaces lists whole and audits one entry per changed field', () => {
    store().commit({ lan: { dns: ['10.0.0.1', '10.0.0.2'] } }, 'admin');
    const { changes } = store().commit({ site: { name: 'Empfang' }, lan: { dns: ['10.0.0.3'] } }, 'admin');
    expect(changes).toEqual([
      { revision: 2, at: '2025-03-01T08:01:00.000Z', actor: 'admin', path: 'site.name', old: 'site', new: 'Empfang' },
      { revision: 2, at: '2025-03-01T08:01:00.000Z', actor: 'admin', path: 'lan.dns', old: ['10.0.0.1', '10.0.0.2'], new: ['10.0.0.3'] },
    ]);
    expect(store().audit().slice(0, 2)).toEqual([...changes].reverse());
    expect(store().audit().map((e) => [e.revision, e.path])).toEqual([[2, 'lan.dns'], [2, 'site.name'], [1, 'lan.dns']]);
    expect(store().audit({ limit: 1 }).map((e) => e.path)).toEqual(['lan.dns']);
  });

  it('refuses an invalid change with every problem and writes nothing', () => {
    store().commit({ site: { name: 'Praxis' } }, 'admin');
    const change = { site: { name: '' }, vpn: { port: 0, cipher: 'aes' } };
    let error: unknown;
    try {
      store().commit(change as never, 'admin');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).errors).toEqual([
      { path: 'site.name', message: 'must not be empty' },
      { path: 'vpn.cipher', message: 'is not a known setting' },
      { path: 'vpn.port', message: 'must be between 1 and 65535' },
    ]);
    expect((error as Error).message).toBe(
      'invalid configuration: site.name must not be empty; vpn.cipher is not a known setting; vpn.port must be between 1 and 65535',
    );
    expect([count('config_revisions'), count('config_audit')]).toEqual([1, 1]);
    expect(store().load()).toMatchObject({ revision: 1, config: { site: { name: 'Praxis' } } });
  });

  describe('with a check beyond the fields\' kinds', () => {
    // Port 500 is IKE's own: a rule no single field kind states.
    const check = (config: { vpn: { port: number } }) => (config.vpn.port === 500 ? [{ path: 'vpn.port', message: "is IKE's own port" }] : []);
    const checked = () => new ConfigStore({ db, schema: SCHEMA, check, now });

    it('refuses what the check refuses and writes nothing', () => {
      checked().commit({ site: { name: 'Praxis' } }, 'admin');
      expect(() => checked().commit({ vpn: { port: 500 } }, 'admin')).toThrow("invalid configuration: vpn.port is IKE's own port");
      expect([count('config_revisions'), count('config_audit')]).toEqual([1, 1]);
      expect(checked().load()).toMatchObject({ revision: 1, config: { vpn: { port: 4500 } } });
    });

    it('runs the check only on a config whose fields are each valid', () => {
      expect(() => checked().commit({ site: { name: '' }, vpn: { port: 500 } }, 'admin')).toThrow(/^invalid configuration: site.name must not be empty$/);
    });

    it('falls back from a stored revision the check refuses', () => {
      store().commit({ vpn: { port: 4501 } }, 'admin');
      store().commit({ vpn: { port: 500 } }, 'admin');
      expect(checked().load()).toMatchObject({ revision: 1, config: { vpn: { port: 4501 } }, fallback: { revision: 2, errors: [{ path: 'vpn.port', message: "is IKE's own port" }] } });
    });
  });

  it('never writes a secret into the audit log, only that it changed', () => {
    const { changes } = store().commit({ vpn: { psk: 'geheim-123' } }, 'admin');
    store().commit({ vpn: { psk: 'noch-geheimer' } }, 'admin');
    expect(changes).toEqual([{ revision: 1, at: '2025-03-01T08:00:00.000Z', actor: 'admin', path: 'vpn.psk', old: SECRET_MARK, new: SECRET_MARK }]);
    expect(store().audit().map((e) => [e.path, e.old, e.new])).toEqual([
      ['vpn.psk', '[changed]', '[changed]'],
      ['vpn.psk', '[changed]', '[changed]'],
    ]);
    const raw = JSON.stringify(db.prepare('SELECT * FROM config_audit').all());
    expect(raw).not.toMatch(/geheim/);
    expect(store().load().config.vpn.psk).toBe('noch-geheimer');
  });

  it('writes nothing for a change that alters no field', () => {
    store().commit({ site: { name: 'Praxis' } }, 'admin');
    expect(store().commit({ site: { name: 'Praxis' }, vpn: { port: 4500 } }, 'admin')).toEqual({ revision: 1, changes: [] });
    expect(store().commit({}, 'admin')).toEqual({ revision: 1, changes: [] });
    expect([count('config_revisions'), count('config_audit')]).toEqual([1, 1]);
  });

  it.each([
    ['a value edited by hand', '{"site":{"name":""}}', [{ path: 'site.name', message: 'must not be empty' }]],
    ['a setting from another firmware', '{"site":{"name":"x"},"wifi":{}}', [{ path: 'wifi', message: 'is not a known setting' }]],
    ['text that is not JSON', '{"site":', [{ path: '(config)', message: expect.stringMatching(/^is not valid JSON: /) }]],
  ])('falls back to the last good revision over %s and reports it', (_name, json, errors) => {
    store().commit({ site: { name: 'gut' } }, 'admin');
    store().commit({ site: { name: 'auch gut' } }, 'admin');
    overwrite(2, json);
    expect(store().load()).toEqual({
      config: { site: { name: 'gut' }, vpn: { psk: '', port: 4500 }, lan: { dns: [] } },
      revision: 1,
      fallback: { revision: 2, errors },
    });
  });

  it('falls back to the defaults when no stored revision is valid, reporting the newest', () => {
    store().commit({ site: { name: 'a' } }, 'admin');
    store().commit({ site: { name: 'b' } }, 'admin');
    overwrite(1, '[]');
    overwrite(2, '{"vpn":{"port":"500"}}');
    expect(store().load()).toMatchObject({
      revision: 0,
      config: { site: { name: 'site' } },
      fallback: { revision: 2, errors: [{ path: 'vpn.port', message: 'must be a whole number, got text' }] },
    });
  });

  it('builds a commit during a fallback on the last good config and ends the fallback', () => {
    store().commit({ site: { name: 'gut' } }, 'admin');
    store().commit({ site: { name: 'kaputt' } }, 'admin');
    overwrite(2, '{"site":{"name":7}}');
    const { revision, changes } = store().commit({ vpn: { port: 4501 } }, 'admin');
    expect(revision).toBe(3);
    expect(changes.map((c) => [c.path, c.old, c.new])).toEqual([['vpn.port', 4500, 4501]]);
    expect(store().load()).toMatchObject({ revision: 3, config: { site: { name: 'gut' }, vpn: { port: 4501 } } });
    expect(store().load().fallback).toBeUndefined();
  });

  it('confirms the last good config with an empty commit during a fallback', () => {
    store().commit({ site: { name: 'gut' } }, 'admin');
    overwrite(1, 'null');
    expect(store().load().fallback?.revision).toBe(1);
    expect(store().commit({}, 'admin')).toEqual({ revision: 2, changes: [] });
    expect(store().load()).toEqual({ revision: 2, config: { site: { name: 'site' }, vpn: { psk: '', port: 4500 }, lan: { dns: [] } } });
  });

  it('stores a revision and its audit entries together or not at all', () => {
    db.exec('DROP TABLE config_audit');
    expect(() => store().commit({ site: { name: 'Praxis' } }, 'admin')).toThrow(/no such table: config_audit/);
    expect(count('config_revisions')).toBe(0);
  });

  it('needs an actor for every commit', () => {
    expect(() => store().commit({ site: { name: 'Praxis' } }, ' ')).toThrow('a config commit needs an actor');
    expect(count('config_revisions')).toBe(0);
  });

  it('hands out configs that cannot be changed in place', () => {
    store().commit({ lan: { dns: ['10.0.0.1'] } }, 'admin');
    const { config } = store().load();
    expect(() => (config.lan.dns as string[]).push('10.0.0.2')).toThrow(TypeError);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Health, HEALTH_CATALOGUE, type HealthCode, type HealthWarning } from '../../../src/core/health.ts';

function clock() {
  let minute = 0;
  return () => new Date(Date.UTC(2025, 4, 2, 8, minute++));
}

function health() {
  const changes: Array<Array<[HealthCode, string | undefined]>> = [];
  const h = new Health((warnings: HealthWarning[]) => changes.push(warnings.map((w) => [w.code, w.detail])), clock());
  return { h, changes };
}

describe('Health', () => {
  it('lists an active warning with its catalogue entry, time and detail', () => {
    const { h } = health();
    h.raise('config.invalid', 'revision 3 refused');
    expect(h.list()).toEqual([
      { code: 'config.invalid', ...HEALTH_CATALOGUE['config.invalid'], since: '2025-05-02T08:00:00.000Z', detail: 'revision 3 refused' },
    ]);
  });

  it('lists critical warnings before warnings, whatever the order they were raised in', () => {
    const { h } = health();
    h.raise('config.invalid');
    h.raise('database.unknownVersion');
    expect(h.list().map((w) => [w.severity, w.code])).toEqual([
      ['critical', 'database.unknownVersion'],
      ['warning', 'config.invalid'],
    ]);
  });

  it('orders warnings of one severity by code', () => {
    const { h } = health();
    h.raise('wan.down');
    h.raise('tunnel.down');
    h.raise('dnsmasq.down');
    expect(h.list().map((w) => w.code)).toEqual(['dnsmasq.down', 'tunnel.down', 'wan.down']);
  });

  it('keeps since on a re-raise with a new detail, and reports that as a change', () => {
    const { h, changes } = health();
    h.raise('config.invalid', 'revision 3 refused');
    h.raise('config.invalid', 'revision 4 refused');
    expect(h.list()).toMatchObject([{ code: 'config.invalid', since: '2025-05-02T08:00:00.000Z', detail: 'revision 4 refused' }]);
    h.raise('config.invalid');
    expect(h.list()[0]).not.toHaveProperty('detail');
    expect(h.list()[0]?.since).toBe('2025-05-02T08:00:00.000Z');
    expect(changes).toEqual([[['config.invalid', 'revision 3 refused']], [['config.invalid', 'revision 4 refused']], [['config.invalid', undefined]]]);
  });

  it('calls onChange only on real changes', () => {
    const { h, changes } = health();
    h.clear('config.invalid');
    expect(changes).toEqual([]);
    h.raise('config.invalid', 'x');
    h.raise('config.invalid', 'x');
    h.raise('database.unknownVersion');
    h.raise('database.unknownVersion');
    h.clear('config.invalid');
    h.clear('config.invalid');
    expect(changes).toEqual([
      [['config.invalid', 'x']],
      [['database.unknownVersion', undefined], ['config.invalid', 'x']],
      [['database.unknownVersion', undefined]],
    ]);
    expect(h.list().map((w) => w.code)).toEqual(['database.unknownVersion']);
  });

  it('stamps a warning raised again after a clear with a new since', () => {
    const { h } = health();
    h.raise('config.invalid');
    h.clear('config.invalid');
    h.raise('config.invalid');
    expect(h.list()[0]?.since).toBe('2025-05-02T08:01:00.000Z');
  });
});

describe('HEALTH_CATALOGUE', () => {
  it.each(Object.entries(HEALTH_CATALOGUE))('%s has a valid severity, a TI flag and German and English text', (code, entry) => {
    expect(code).toMatch(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/);
    expect(['info', 'warning', 'critical']).toContain(entry.severity);
    expect(typeof entry.impactsTi).toBe('boolean');
    expect(entry.text.de.trim()).not.toBe('');
    expect(entry.text.en.trim()).not.toBe('');
    expect(entry.text.de).not.toBe(entry.text.en);
  });
});

describe('docs/health.md', () => {
  it('lists every warning of the catalogue, with its severity and whether it cuts the TI, and no other', () => {
    const doc = readFileSync(new URL('../../../docs/health.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \| ([a-z]+) \| (yes|no) \|/gm)].map(([, code, severity, cutsTi]) => `${code} ${severity} ${cutsTi}`);
    const catalogue = Object.entries(HEALTH_CATALOGUE).map(([code, entry]) => `${code} ${entry.severity} ${entry.impactsTi ? 'yes' : 'no'}`);
    expect(rows.sort()).toEqual(catalogue.sort());
  });
});

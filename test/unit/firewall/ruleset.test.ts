// The tibox table as golden files: any change to what the box allows shows up as a diff here.
// pvs-and-terminal.nft is a whole ruleset; each variant's golden file holds only the blocks
// (counters, sets, chains) in which it differs from that one. The kernel's verdict on them is in
// test/integration/firewall.test.ts.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderRuleset } from '../../../src/firewall/index.ts';
import { ONE_PVS_ONE_TERMINAL, PVS, VARIANTS, WITHOUT_TERMINAL_BRIDGE, withPvsHosts } from './firewallDesired.ts';
import { blocks } from './rulesetBlocks.ts';

const golden = (name: string) => readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');
const chain = (ruleset: string, name: string) => blocks(ruleset).get(`chain ${name}`) ?? '';
/** The rules of a chain: its lines without the header, the hook line and the closing brace. */
const rules = (ruleset: string, name: string) =>
  chain(ruleset, name).split('\n').slice(1, -2).filter((line) => !line.includes(' hook ')).map((line) => line.trim());

describe('tibox ruleset', () => {
  it('is the fail-closed baseline without a desired state', () => {
    expect(renderRuleset(null)).toBe(golden('baseline.nft'));
  });

  it('is the baseline with the web UI on the LAN port for a box without a profile, and refuses a bad port name', () => {
    expect(renderRuleset({ baselineLan: 'lan0' })).toBe(golden('baseline-lan.nft'));
    for (const bad of ['', 'lo', 'lan0" accept', 'x'.repeat(16)]) expect(() => renderRuleset({ baselineLan: bad }), bad).toThrow(/interface name/);
  });

  it('with one PVS host and one terminal', () => {
    expect(renderRuleset(ONE_PVS_ONE_TERMINAL)).toBe(golden('pvs-and-terminal.nft'));
  });

  describe.each(VARIANTS)('$name', ({ golden: file, desired }) => {
    const base = blocks(renderRuleset(ONE_PVS_ONE_TERMINAL));
    const variant = blocks(renderRuleset(desired));
    const expected = blocks(golden(file));

    it('renders the blocks of its golden file, each different from the base', () => {
      expect(expected.size).toBeGreaterThan(0);
      for (const [key, text] of expected) {
        expect(variant.get(key), key).toBe(text);
        expect(base.get(key), key).not.toBe(text);
      }
    });

    it('leaves every other block as in the base', () => {
      for (const key of base.keys()) expect(variant.has(key), key).toBe(true);
      for (const [key, text] of variant) if (!expected.has(key)) expect(text, key).toBe(base.get(key));
    });
  });

  it('replaces the tibox table whole and names no other table', () => {
    for (const ruleset of [renderRuleset(null), renderRuleset(ONE_PVS_ONE_TERMINAL)]) {
      const tables = [...ruleset.matchAll(/^(?:delete )?table (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(tables).toEqual(['inet tibox', 'inet tibox', 'inet tibox']);
    }
  });

  it('closes input and forward by default', () => {
    for (const ruleset of [renderRuleset(null), renderRuleset(ONE_PVS_ONE_TERMINAL)]) {
      expect(chain(ruleset, 'input')).toContain('type filter hook input priority filter; policy drop;');
      expect(chain(ruleset, 'forward')).toContain('type filter hook forward priority filter; policy drop;');
    }
  });

  it('says in a comment why every rule, set and counter exists', () => {
    const ruleset = renderRuleset(ONE_PVS_ONE_TERMINAL);
    for (const [key, text] of blocks(ruleset)) {
      if (key.startsWith('counter ')) expect(text, key).toMatch(/\{ comment "tibox: [^"]+" \}$/m);
      if (key.startsWith('set ') || key.startsWith('map ')) expect(text, key).toMatch(/^ {4}comment "tibox: [^"]+"$/m);
      if (key.startsWith('chain ')) for (const line of rules(ruleset, key.slice(6))) expect(line).toMatch(/ comment "tibox: [^"]+"$/);
    }
  });

  it('has as many rules for a thousand registered hosts as for one: they live in sets', () => {
    const ruleCounts = (ruleset: string) => [...blocks(ruleset).keys()].filter((k) => k.startsWith('chain ')).map((k) => [k, rules(ruleset, k.slice(6)).length]);
    const thousand = renderRuleset(withPvsHosts(1000));
    expect(ruleCounts(thousand)).toEqual(ruleCounts(renderRuleset(withPvsHosts(1))));
    expect(blocks(thousand).get('set hosts')?.split('\n').filter((line) => line.includes(' . 02:'))).toHaveLength(1000);
  });

  it('never forwards from the WAN or IPv6, and lets no LAN traffic out to the internet', () => {
    const forward = rules(renderRuleset(ONE_PVS_ONE_TERMINAL), 'forward');
    const accepts = forward.filter((line) => / accept comment/.test(line));
    expect(accepts.every((line) => !line.includes('"wan0"') || line.includes('meta secpath exists'))).toBe(true);
    // Every accept names the TI: the prefixes as destination, or the tunnel as origin.
    for (const line of accepts) expect(line).toMatch(/@ti_prefixes|"ipsec0"|ct state established,related/);
    expect(forward.at(-1)).toContain('goto drop_not_ti');
  });

  it('answers the web UI only on the LAN side, never on the WAN port or from the tunnel', () => {
    const input = rules(renderRuleset(ONE_PVS_ONE_TERMINAL), 'input').filter((line) => line.includes('dport { 80, 443 }'));
    expect(input.map((line) => line.split(' ip daddr')[0])).toEqual(['iifname "lan0"', 'iifname "br-term"']);
    expect(rules(renderRuleset(ONE_PVS_ONE_TERMINAL), 'input').slice(-3)).toEqual([
      expect.stringMatching(/^iifname "ipsec0" goto drop_from_tunnel /),
      expect.stringMatching(/^iifname "wan0" goto drop_from_wan /),
      expect.stringMatching(/^goto drop_service /),
    ]);
  });

  it("hears the answers to the box's own SICCT probe from terminals not registered yet, ahead of the MAC binding", () => {
    const ruleset = renderRuleset(ONE_PVS_ONE_TERMINAL);
    const input = rules(ruleset, 'input');
    const answers = input.findIndex((line) => line.includes('tcp sport 4742 ct direction reply accept'));
    expect(input[answers]).toMatch(/^iifname \{ "lan0", "br-term" \} ip saddr != @host_addresses /);
    expect(answers).toBeLessThan(input.findIndex((line) => line.includes('jump from_lan')));
    // Only what the box asked for itself: nothing routed is let past the binding.
    expect(chain(ruleset, 'forward')).not.toContain('ct direction reply');
  });

  it('serves no terminal bridge when there is none', () => {
    const ruleset = renderRuleset({ ...ONE_PVS_ONE_TERMINAL, interfaces: WITHOUT_TERMINAL_BRIDGE, hosts: [PVS] });
    expect(ruleset).not.toContain('br-term');
    expect(blocks(ruleset).has('chain from_terminals')).toBe(false);
    expect(ruleset).not.toContain('dport 67 accept');
  });
});

describe('encrypted or not at all', () => {
  it.each([
    ['libipsec', 'ip daddr @ti_prefixes oifname != "ipsec0" goto drop_cleartext'],
    ['xfrm', 'ip daddr @ti_prefixes rt ipsec missing goto drop_cleartext'],
  ] as const)('%s: drops a TI packet leaving unencrypted, routed or the box\'s own, before anything is accepted', (tunnel, guard) => {
    const ruleset = renderRuleset({ ...ONE_PVS_ONE_TERMINAL, interfaces: { ...ONE_PVS_ONE_TERMINAL.interfaces, tunnel } });
    expect(rules(ruleset, 'forward')[0]).toContain(guard);
    expect(rules(ruleset, 'output')[0]).toContain(guard);
  });
});

describe('host names', () => {
  it('reach the ruleset only as safe element comments', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 63, unit: 'grapheme' }), (name) => {
        fc.pre(!/\p{C}/u.test(name));
        const ruleset = renderRuleset({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, name }] });
        // The host's element in the set `hosts` and in the three maps to its counters.
        const isElement = (line: string) => /^ {6}(10\.77\.12\.10|02:00:5e:10:00:10) .*comment "/.test(line);
        const elements = ruleset.split('\n').filter(isElement);
        expect(elements).toHaveLength(4);
        for (const line of elements) {
          const shown = /^ {6}(?:10\.77\.12\.10 \. 02:00:5e:10:00:10|10\.77\.12\.10|02:00:5e:10:00:10) comment "([^"\\]*)"(?: : "device_1_(?:accepted|dropped)")?,$/.exec(line);
          expect(shown, line).not.toBeNull();
          expect(Buffer.byteLength(shown?.[1] ?? '')).toBeLessThanOrEqual(128);
        }
        // Every other line is as for any other name.
        const others = (text: string) => text.split('\n').filter((line) => !isElement(line));
        expect(others(ruleset)).toEqual(others(renderRuleset({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, name: 'x' }] })));
      }),
    );
  });

  it('keep their words, with quotes and backslashes made harmless', () => {
    const ruleset = renderRuleset({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, name: 'Dr. "Müller" C:\\PVS' }] });
    expect(ruleset).toContain(`10.77.12.10 . 02:00:5e:10:00:10 comment "pvs: Dr. 'Müller' C:/PVS",`);
  });
});

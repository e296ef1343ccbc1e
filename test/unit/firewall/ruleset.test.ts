// The tibox table as golden files: any change to what the box allows shows up as a diff here.
// (The kernel's verdict on them is in the agent's lab tests.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleset } from '../../../src/firewall/index.ts';

const golden = (name: string) => readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');
const TI = { tiSegment: '10.77.12.0/26', tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'] };

describe('tibox ruleset', () => {
  it('is the fail-closed baseline without a profile', () => {
    expect(renderRuleset(null)).toBe(golden('baseline.nft'));
  });

  it('lets the TI segment reach the TI prefixes with a profile', () => {
    expect(renderRuleset(TI)).toBe(golden('ti-segment.nft'));
  });

  it('replaces the tibox table whole and touches no other table', () => {
    for (const ruleset of [renderRuleset(null), renderRuleset(TI)]) {
      const tables = [...ruleset.matchAll(/^(?:delete )?table (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(new Set(tables)).toEqual(new Set(['inet tibox']));
    }
  });

  it('closes forwarding and inbound by default', () => {
    for (const ruleset of [renderRuleset(null), renderRuleset(TI)]) {
      expect(ruleset).toMatch(/chain forward \{\s+type filter hook forward priority filter; policy drop;/);
      expect(ruleset).toMatch(/chain input \{\s+type filter hook input priority filter; policy drop;/);
    }
  });
});

describe('encrypted or not at all', () => {
  it('drops a TI packet that would leave neither into libipsec nor with an IPsec transform, forwarded or the box\'s own', () => {
    const ruleset = renderRuleset({ tiSegment: '10.77.12.0/26', tiPrefixes: ['100.64.0.0/10'] });
    const guard = 'ip daddr { 100.64.0.0/10 } oifname != "ipsec0" rt ipsec missing drop';
    const forward = ruleset.slice(ruleset.indexOf('chain forward'), ruleset.indexOf('chain output'));
    const output = ruleset.slice(ruleset.indexOf('chain output'));
    // First in forward, before anything is accepted; and in output for the box's own probes and DNS.
    const rules = forward.split('\n').filter((line) => !line.includes('type filter hook') && /\b(drop|accept)\b/.test(line));
    expect(rules[0]).toContain(guard);
    expect(output).toContain(guard);
  });
});

// The fail-closed baseline as a golden file: any change to what the box allows before the
// agent runs shows up as a diff here. (The kernel's verdict on it is in the agent's lab test.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderBaselineRuleset } from '../../../src/firewall/index.ts';

describe('fail-closed baseline', () => {
  it('matches the golden ruleset', () => {
    expect(renderBaselineRuleset()).toBe(readFileSync(new URL('golden/baseline.nft', import.meta.url), 'utf8'));
  });

  it('replaces the tibox table whole and touches no other table', () => {
    const tables = [...renderBaselineRuleset().matchAll(/^(?:delete )?table (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(new Set(tables)).toEqual(new Set(['inet tibox']));
  });

  it('closes forwarding and inbound by default', () => {
    const ruleset = renderBaselineRuleset();
    expect(ruleset).toMatch(/chain forward \{\s+type filter hook forward priority filter; policy drop;/);
    expect(ruleset).toMatch(/chain input \{\s+type filter hook input priority filter; policy drop;/);
  });
});

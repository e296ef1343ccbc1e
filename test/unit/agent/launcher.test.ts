// The service launcher (bin/tibox-agent) reads three of the agent's options itself, for the
// tunnel resume at boot: its defaults must be the agent's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../../../src/agent/options.ts';

const launcher = readFileSync(join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'bin', 'tibox-agent'), 'utf8');

describe('bin/tibox-agent', () => {
  it('takes the agent\'s defaults for the data directory, charon\'s socket and the run directory', () => {
    const defaults = /^data=(\S+) vici=(\S+) run=(\S+) previous=$/m.exec(launcher);
    const agent = readCommandLine([], {});
    expect(defaults?.slice(1)).toEqual([agent.dataDir, agent.charonVici, agent.runDir]);
  });

  it('reads the same options, in both forms parseArgs takes', () => {
    for (const option of ['--data-dir', '--charon-vici', '--run-dir']) {
      expect(launcher).toContain(`    ${option}) `);
      expect(launcher).toContain(`    ${option}=*) `);
    }
  });
});

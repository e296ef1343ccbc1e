// The arrows point down (src/core/index.ts): the lint must refuse an import that climbs from a
// layer into one it may not use, and let every allowed one pass.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

let eslint: ESLint;
beforeAll(() => {
  // Most files linted here do not exist, so no TypeScript project holds them: the rule under test
  // needs no types, and the typed rules are left out (promiseRules.test.ts has those).
  eslint = new ESLint({ cwd: REPO, overrideConfigFile: join(REPO, 'eslint.config.js'), overrideConfig: tseslint.configs.disableTypeChecked });
});

/** The import findings for a file at `filePath` that imports `specifier`. */
async function findings(filePath: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath });
  // A file that did not parse has no findings: that must not pass for "allowed".
  expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering lint', () => {
  it.each([
    ['a subsystem into the composition root', 'src/lan/inventory/registry.ts', '../../agent/store/index.ts'],
    ['a subsystem into another subsystem', 'src/ipsec/tunnel/controller.ts', '../../firewall/index.ts'],
    ['a subsystem into the control layer', 'src/firewall/firewall.ts', '../control/client.ts'],
    ['core into a subsystem', 'src/core/health.ts', '../ipsec/index.ts'],
    ['core into the composition root', 'src/core/log.ts', '../agent/status.ts'],
    ['core into the control layer', 'src/core/controlActions.ts', '../control/protocol.ts'],
    ['the control layer into the composition root', 'src/control/client.ts', '../agent/status.ts'],
    ['the control layer into a subsystem', 'src/control/server.ts', '../lan/index.ts'],
    ['the web UI into a subsystem', 'src/webui/pages/status.ts', '../../ipsec/index.ts'],
    ['the updater into the web UI', 'src/updater/ddi.ts', '../webui/index.ts'],
    ['the runner into a subsystem', 'src/core/runner.ts', '../lan/index.ts'],
  ])('refuses %s', async (_what, file, specifier) => {
    expect(await findings(file, specifier)).toEqual([expect.stringMatching(/may import only its own files/)]);
  });

  it.each([
    ['a subsystem from core', 'src/lan/inventory/registry.ts', '../../core/index.ts'],
    ['a subsystem from its own files', 'src/ipsec/tunnel/controller.ts', '../profile/index.ts'],
    ['the control layer from core', 'src/control/server.ts', '../core/index.ts'],
    ['the web UI from the control client', 'src/webui/server.ts', '../control/client.ts'],
    ['the updater from the control client', 'src/updater/ddi.ts', '../control/client.ts'],
    ['the composition root from every subsystem', 'src/agent/agent.ts', '../ipsec/index.ts'],
    ['the composition root from the control layer', 'src/agent/cli/main.ts', '../../control/client.ts'],
    ['a test from anywhere', 'test/unit/lan/x.test.ts', '../../../src/agent/store/index.ts'],
  ])('allows %s', async (_what, file, specifier) => {
    expect(await findings(file, specifier)).toEqual([]);
  });
});

// Processes start only through the runner (SECURITY.md: no shell strings, one runner with argument
// arrays). The lint enforces it, so it must see every way a file can reach child_process or the
// process bindings under it, not only a static import; and it must leave the runner itself alone.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
/** The one file eslint.config.js exempts. */
const RUNNER = 'src/core/runner.ts';
const PROCESS_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

const WAYS_TO_START_A_PROCESS: ReadonlyArray<readonly [string, string]> = [
  ['a static import', "import { spawn } from 'child_process';\nspawn('id');\n"],
  ['a static node: import', "import { spawn } from 'node:child_process';\nspawn('id');\n"],
  ['a type-only import', "import type { ChildProcess } from 'node:child_process';\nexport type Child = ChildProcess;\n"],
  ['a re-export', "export { spawn } from 'node:child_process';\n"],
  ['a dynamic import', "const { spawn } = await import('node:child_process');\nspawn('id');\n"],
  ['a dynamic import without node:', "const { spawn } = await import('child_process');\nspawn('id');\n"],
  ['a dynamic import of a template literal', 'const { spawn } = await import(`node:child_process`);\nspawn(\'id\');\n'],
  ['require', "const { spawn } = require('child_process');\nspawn('id');\n"],
  ['a created require', "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('node:child_process').spawn('id');\n"],
  ['a created require kept in a variable', "import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nload(`child_process`).spawn('id');\n"],
  ['process.getBuiltinModule', "process.getBuiltinModule('node:child_process').spawn('id');\n"],
  ['process.binding', "process.binding('spawn_sync').spawn({ file: 'id', args: ['id'] });\n"],
  ['process.binding of the process wrapper', "const { Process } = process.binding('process_wrap');\nnew Process();\n"],
  ['process._linkedBinding', "process._linkedBinding('spawn_sync');\n"],
];

let eslint: ESLint;
beforeAll(() => {
  // The files linted here do not exist, so no TypeScript project holds them: the rules under test
  // need no types, and the typed rules are left out (promiseRules.test.ts has those).
  eslint = new ESLint({ cwd: REPO, overrideConfigFile: join(REPO, 'eslint.config.js'), overrideConfig: tseslint.configs.disableTypeChecked });
});

/** The messages of the rules that guard process starts, for `code` as if it were at `filePath`. */
async function processFindings(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // A file that did not parse has no findings: that must not pass for "allowed".
  expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && PROCESS_RULES.has(m.ruleId)).map((m) => m.message);
}

describe('the lint rule for starting processes', () => {
  it.each(WAYS_TO_START_A_PROCESS)('reports %s outside the runner, pointing to the runner', async (_way, code) => {
    const findings = await processFindings(code, 'src/somewhere/x.ts');
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(finding).toContain(RUNNER);
  });

  it('reports them in tests too', async () => {
    expect(await processFindings("const { spawn } = await import('node:child_process');\nspawn('id');\n", 'test/unit/x.test.ts')).not.toEqual([]);
  });

  it('allows every one of them in the runner', async () => {
    for (const [, code] of WAYS_TO_START_A_PROCESS) expect(await processFindings(code, RUNNER)).toEqual([]);
  });

  it('leaves modules of similar names alone', async () => {
    expect(await processFindings("import { Worker } from 'node:worker_threads';\nnew Worker(new URL('w.js', import.meta.url));\n", 'src/somewhere/x.ts')).toEqual([]);
    expect(await processFindings("const text = 'child_process is started by the runner';\nexport { text };\n", 'src/somewhere/x.ts')).toEqual([]);
  });
});

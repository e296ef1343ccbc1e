// The typed promise rules: a promise nobody waits for must end in a rejection handler, since an
// unhandled rejection ends the agent on Node 24, and `void` alone is no handler; nor may an async
// function go where a callback's result is ignored. Typed rules read the TypeScript project, so
// the code is linted as the text of a file in it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
/** Any file of the project will do: its text is replaced by the code under test. */
const FILE = 'src/lan/inventory/leaseFile.ts';

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: REPO, overrideConfigFile: join(REPO, 'eslint.config.js') });
  // The first typed lint builds the TypeScript program, which takes seconds on the box's two cores.
  await findings('await task();');
}, 60_000);

/** The promise rules' findings for `body` inside an async function that has a task and a logger. */
async function findings(body: string): Promise<string[]> {
  const code = [
    "import type { Logger } from '../../core/index.ts';",
    '',
    'export async function run(task: () => Promise<void>, log: Logger): Promise<void> {',
    `  ${body}`,
    '}',
    '',
  ].join('\n');
  const [result] = await eslint.lintText(code, { filePath: FILE });
  expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
  return (result?.messages ?? []).map((m) => m.ruleId ?? '').filter((rule) => rule.endsWith('-promises'));
}

describe('the promise rules', () => {
  it.each([
    ['a call left floating', 'task();', ['@typescript-eslint/no-floating-promises']],
    ['void alone', 'void task();', ['@typescript-eslint/no-floating-promises']],
    ['void with only a finally', 'void task().finally(() => log.info("done"));', ['@typescript-eslint/no-floating-promises']],
    ['an async callback for a timer', 'setTimeout(async () => await task(), 1_000);', ['@typescript-eslint/no-misused-promises']],
    ['a promise as a condition', 'if (task()) log.info("always");', ['@typescript-eslint/no-misused-promises']],
  ])('refuses %s', async (_what, body, rules) => {
    expect(await findings(body)).toEqual(rules);
  });

  it.each([
    ['await', 'await task();'],
    ['void with a catch that logs', "void task().catch((error: unknown) => log.error({ err: error }, 'task failed'));"],
    ['a timer whose callback handles the rejection', "setTimeout(() => void task().catch((error: unknown) => log.error({ err: error }, 'task failed')), 1_000);"],
  ])('allows %s', async (_what, body) => {
    expect(await findings(body)).toEqual([]);
  });
});

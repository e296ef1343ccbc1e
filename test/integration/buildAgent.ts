// Integration tests run the agent and the CLI as the box does, from build/ (bin/tibox,
// bin/tibox-node): compiled once before the first test file, so they never run stale code.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner } from '../../src/core/runner.ts';

export default async function buildAgent(): Promise<void> {
  const repo = join(fileURLToPath(import.meta.url), '..', '..', '..');
  await processRunner.run('make', ['-s', '-C', repo, 'build'], { timeoutMs: 10 * 60_000 });
}

import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { processRunner } from '../../../src/agent/runner.ts';

const leanRuntime = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'agent', 'leanRuntime.ts')).href;

/** V8's optimisation status of a hot function asked to be optimised, in a fresh process (lean or not). */
async function optimisationStatus(lean: boolean): Promise<number> {
  const script = `
    import { goLean } from '${leanRuntime}';
    if (${lean}) goLean();
    const hot = (x) => x * 2 + 1;
    eval('%PrepareFunctionForOptimization(hot)');
    hot(1); hot(2);
    eval('%OptimizeFunctionOnNextCall(hot)');
    hot(3);
    console.log(eval('%GetOptimizationStatus(hot)'));
  `;
  const { stdout } = await processRunner.run(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]);
  return Number(stdout.trim());
}

/** V8's status bit for a function running optimised code (src/runtime/runtime.h, OptimizationStatus::kOptimized). */
const OPTIMIZED = 1 << 4;

describe('lean runtime', () => {
  it('keeps V8 from optimising once set at run time; without it the same function is optimised', async () => {
    expect(await optimisationStatus(false) & OPTIMIZED).toBe(OPTIMIZED);
    expect(await optimisationStatus(true) & OPTIMIZED).toBe(0);
  });
});

// bin/tibox-node, the Node the box runs: with --lean (the agent's runtime) V8 never optimises.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { processRunner } from '../../../src/core/runner.ts';

const tiboxNode = join(import.meta.dirname, '..', '..', '..', 'bin', 'tibox-node');

/** V8's optimisation status of a hot function asked to be optimised, in a fresh tibox-node process. */
async function optimisationStatus(lean: boolean): Promise<number> {
  const script = `
    const hot = (x) => x * 2 + 1;
    %PrepareFunctionForOptimization(hot);
    hot(1); hot(2);
    %OptimizeFunctionOnNextCall(hot);
    hot(3);
    console.log(%GetOptimizationStatus(hot));
  `;
  const { stdout } = await processRunner.run(tiboxNode, [...(lean ? ['--lean'] : []), '--allow-natives-syntax', '-e', script]);
  return Number(stdout.trim());
}

/** V8's status bit for a function running optimised code (src/runtime/runtime.h, OptimizationStatus::kOptimized). */
const OPTIMIZED = 1 << 4;

describe('bin/tibox-node', () => {
  it('with --lean keeps V8 from optimising; without it the same function is optimised', async () => {
    expect((await optimisationStatus(false)) & OPTIMIZED).toBe(OPTIMIZED);
    expect((await optimisationStatus(true)) & OPTIMIZED).toBe(0);
  });
});

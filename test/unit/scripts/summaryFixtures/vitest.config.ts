import { defineConfig } from 'vitest/config';

// Fixtures for the closing-line reporter (scripts/test-summary.ts): never part of the test run.
export default defineConfig({ test: { include: ['*.fixture.ts'] } });

import { defineConfig } from 'vitest/config';

// Two projects: unit tests need no privileges; integration tests build network namespaces
// as root and run one file at a time so two labs never compete for the two cores; they run the
// agent from build/, which their global setup compiles first. The web UI's end-to-end tests
// (test/e2e/, headless Chromium in the lab) are integration tests of that kind.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/integration/buildAgent.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

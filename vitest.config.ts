import { defineConfig } from 'vitest/config';

// Three projects: unit tests need no privileges; integration tests build network namespaces
// as root and run one file at a time so two labs never compete for the two cores; they run the
// agent from build/, which their global setup compiles first. The web UI's end-to-end tests
// (test/e2e/, headless Chromium in the lab) are integration tests of that kind. The image's tests
// (test/image/) boot the test image that `make image-test` builds in qemu, one VM at a time, each
// for minutes in software emulation; `make test` leaves them out, CI runs them after it.
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
      {
        test: {
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

import { configDefaults, defineConfig } from 'vitest/config'
import { consoleProject, consoleTests, reactRuntimeProjects } from './scripts/react-runtime-projects.ts'

// Tests run on every package's sources through the "source" export condition: no build needed.
// Each project is one way of running tests; `pnpm test` runs them all.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    restoreMocks: true,
    // Waits are generous and never a measurement: two cores shared by a parallel run (and Chromium)
    // can stall a healthy reconnect or render past vitest's defaults (1 s polls, 5 s tests).
    testTimeout: 30_000,
    expect: { poll: { timeout: 10_000, interval: 50 } },
    unstubGlobals: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'examples/*/src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, consoleTests],
          environment: 'node',
        },
      },
      // The react package's tests again on React 18 and on preact/compat.
      ...reactRuntimeProjects(),
      consoleProject(),
      {
        extends: true,
        test: {
          // Issue 5's end-to-end tests: the demo in real Chromium, on the built widget (after the build step).
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // One file at a time, and only once every other project is done: each file runs a demo
          // server and Chromium, and the boot test measures long tasks, which a busy CPU would fake.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})

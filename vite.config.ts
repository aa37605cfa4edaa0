import { defineConfig } from 'vitest/config'
import { reactRuntimeProjects } from './scripts/react-runtime-projects.ts'

// Tests run on every package's sources through the "source" export condition: no build needed.
// Each project is one way of running tests; `pnpm test` runs them all.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    restoreMocks: true,
    unstubGlobals: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.{ts,tsx}',
            'examples/*/src/**/*.test.{ts,tsx}',
            'scripts/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      // The react package's tests again on React 18 and on preact/compat.
      ...reactRuntimeProjects(),
    ],
  },
})

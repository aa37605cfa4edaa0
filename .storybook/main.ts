import { fileURLToPath } from 'node:url'
import type { StorybookConfig } from '@storybook/react-vite'

const packageSource = (name: string) => fileURLToPath(new URL(`../packages/${name}/src/index.ts`, import.meta.url))
const coreSource = (path: string) => fileURLToPath(new URL(`../packages/core/src/${path}`, import.meta.url))

/** One Storybook for @threadline/react: every component and state, on the memory adapter. */
const config: StorybookConfig = {
  stories: ['../packages/react/src/**/*.stories.tsx'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite')
    return mergeConfig(viteConfig, {
      resolve: {
        // The packages are read from their sources, as the tests do: no build before Storybook.
        conditions: ['source', 'module', 'browser', 'development|production'],
        // preview.tsx sits outside the packages, where the root has no link to them.
        alias: [
          ...['react', 'core', 'protocol'].map((name) => ({
            find: new RegExp(`^@threadline/${name}$`),
            replacement: packageSource(name),
          })),
          { find: /^@threadline\/core\/memory$/, replacement: coreSource('adapters/memory/index.ts') },
          { find: /^@threadline\/core\/testing$/, replacement: coreSource('testing/index.ts') },
        ],
        dedupe: ['react', 'react-dom'],
      },
      // Storybook's own manager and the 10,000-message stories make big chunks; that is expected here.
      build: { chunkSizeWarningLimit: 4096 },
    })
  },
}

export default config

import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import type { ProvidedContext } from 'vitest'
import type { TestProjectInlineConfiguration } from 'vitest/config'

/**
 * The react package's tests, run again on the other runtimes it promises to support: React 18 (the
 * peer range is `>=18`) and preact/compat (the chat frame is compiled against it). The `unit`
 * project runs them on React 19.
 *
 * Why the dependency optimizer: vitest loads node_modules natively, where no alias reaches. The
 * installed `react-dom-18` is pnpm's react-dom@18 whose own `require('react')` finds React 19, and
 * @testing-library/react imports whatever `react-dom` its folder finds. Pre-bundling them applies the
 * aliases inside; vitest then keeps `react` itself out of every bundle (it always excludes it), so
 * the bundles are inlined to let their `import 'react'` go through the alias too.
 */

const reactPackage = resolve(import.meta.dirname, '../packages/react')
const requireFromReact = createRequire(resolve(reactPackage, 'package.json'))
const folderOf = (name: string) => dirname(requireFromReact.resolve(`${name}/package.json`))

const tests = ['src/**/*.test.{ts,tsx}']
const inlineOptimizedDependencies = { deps: { inline: [/node_modules\/\.vite\//] } }

/** Which runtime a project's tests render with; the smoke test checks it really is the one. */
export type ReactRuntime = 'react-19' | 'react-18' | 'preact'

declare module 'vitest' {
  interface ProvidedContext {
    reactRuntime: ReactRuntime
  }
}

function react18Project(): TestProjectInlineConfiguration {
  const react = folderOf('react-18')
  const reactDom = folderOf('react-dom-18')
  return {
    extends: true,
    root: reactPackage,
    resolve: {
      alias: [
        { find: /^react$/, replacement: react },
        { find: /^react\/(.+)$/, replacement: `${react}/$1` },
        { find: /^react-dom$/, replacement: reactDom },
        { find: /^react-dom\/(.+)$/, replacement: `${reactDom}/$1` },
      ],
    },
    test: {
      name: 'react-18',
      include: tests,
      // The server-rendering test runs in the node environment, where vitest loads react-dom/server
      // natively and its require('react') finds React 19. It runs on React 19 in the unit project;
      // what it guards (no browser global read while rendering) is our code, the same on both.
      exclude: ['src/ssr.test.tsx'],
      environment: 'jsdom',
      provide: { reactRuntime: 'react-18' },
      server: inlineOptimizedDependencies,
      deps: {
        optimizer: {
          client: {
            enabled: true,
            include: ['@testing-library/react', 'react-dom', 'react-dom/client', 'react-dom/test-utils'],
          },
        },
      },
    },
  }
}

const preactModules = [
  'preact',
  'preact/compat',
  'preact/compat/client',
  'preact/hooks',
  'preact/jsx-runtime',
  'preact/test-utils',
]

/** React's modules resolved to preact/compat, as `@preact/preset-vite` does in the frame's and the console's builds. */
const preactAliases = [
  { find: /^react\/jsx-(?:dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react(?:-dom)?$/, replacement: 'preact/compat' },
]

interface PreactProjectOptions {
  name: string
  root: string
  exclude?: string[]
  provide?: Partial<ProvidedContext>
}

function preactProject({
  name,
  root,
  exclude = [],
  provide = {},
}: PreactProjectOptions): TestProjectInlineConfiguration {
  return {
    extends: true,
    root,
    resolve: { alias: preactAliases },
    test: {
      name,
      include: tests,
      exclude,
      environment: 'jsdom',
      provide,
      setupFiles: [resolve(import.meta.dirname, 'preact-test-setup.ts')],
      server: inlineOptimizedDependencies,
      deps: {
        optimizer: {
          // Preact stays out of the bundle: one copy of its hooks state, or hooks lose their component.
          client: { enabled: true, include: ['@testing-library/react'], exclude: preactModules },
        },
      },
    },
  }
}

/** Projects to append to the root config's `test.projects`. */
export function reactRuntimeProjects(): TestProjectInlineConfiguration[] {
  return [
    react18Project(),
    preactProject({
      name: 'preact',
      root: reactPackage,
      // Server rendering under preact needs preact-render-to-string, which a preact host brings itself;
      // the frame that uses preact/compat renders in the browser only.
      exclude: ['src/ssr.test.tsx'],
      provide: { reactRuntime: 'preact' },
    }),
  ]
}

/**
 * The console's tests, on preact/compat: the runtime its build ships (see its vite config), so what
 * is tested is what advisors run. The `unit` project leaves them out.
 */
export const consoleTests = 'packages/console/src/**/*.test.{ts,tsx}'
export function consoleProject(): TestProjectInlineConfiguration {
  return preactProject({ name: 'console', root: resolve(import.meta.dirname, '../packages/console') })
}

import { cpSync, existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'
import dts from 'vite-plugin-dts'

// A Node library and CLI, not a browser bundle: node built-ins and every dependency stay external
// (scripts/vite-library.ts targets browsers, where `node:*` imports would be shimmed away).
const root = import.meta.dirname
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>
}
const externals = [...Object.keys(manifest.dependencies ?? {})]
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])
const isExternal = (id: string) =>
  builtins.has(id) || id.startsWith('node:') || externals.some((name) => id === name || id.startsWith(`${name}/`))

export default defineConfig({
  root,
  build: {
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    ssr: true,
    rolldownOptions: {
      input: {
        index: resolve(root, 'src/index.ts'),
        cli: resolve(root, 'src/cli.ts'),
        'testing/index': resolve(root, 'src/testing/index.ts'),
        // The webhook thread's entry (webhooks/webhook-thread-job.ts starts it by its file).
        'webhooks/webhook-thread': resolve(root, 'src/webhooks/webhook-thread.ts'),
      },
      external: isExternal,
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        preserveModules: true,
        preserveModulesRoot: resolve(root, 'src'),
      },
    },
  },
  plugins: [
    bundleConsole(),
    dts({
      tsconfigPath: resolve(root, 'tsconfig.json'),
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-helpers.ts'],
    }),
  ],
})

/**
 * Copies the built `@threadline/console` into `dist/console`, where `threadline start` serves it
 * from, so a packed or installed server carries its console. The root `pnpm build` builds the
 * console before the server; a server built without it serves a 503 page that says how to build it.
 */
function bundleConsole(): Plugin {
  const consoleDist = resolve(root, '../console/dist')
  return {
    name: 'threadline-bundle-console',
    closeBundle() {
      if (!existsSync(resolve(consoleDist, 'index.html'))) {
        this.warn('The console is not built (pnpm --filter @threadline/console build): dist/console is left out')
        return
      }
      cpSync(consoleDist, resolve(root, 'dist/console'), { recursive: true })
    },
  }
}

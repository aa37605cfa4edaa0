import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'vite'
import dts from 'vite-plugin-dts'

interface LibraryOptions {
  /** The package folder (pass `import.meta.dirname`). */
  root: string
  /** Entry name → source file, relative to `root`. */
  entries: Record<string, string>
}

/**
 * One build recipe for every package: ESM only, `.d.ts` from vite-plugin-dts, and every
 * dependency and peer left external so consumers dedupe them.
 */
export function libraryConfig({ root, entries }: LibraryOptions): UserConfig {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }
  const externals = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]
  const isExternal = (id: string) => externals.some((name) => id === name || id.startsWith(`${name}/`))

  return defineConfig({
    root,
    resolve: { conditions: ['source'] },
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: true,
      minify: false,
      lib: {
        entry: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, resolve(root, file)])),
        formats: ['es'],
      },
      rolldownOptions: {
        external: isExternal,
        // One output file per source file. A zod schema built at module top level is a call that a
        // consumer's bundler cannot prove unused, so in a single-file build every schema (and most
        // of zod) ships; split into modules, `sideEffects: false` lets it drop the unused ones whole.
        output: { preserveModules: true, preserveModulesRoot: resolve(root, 'src') },
      },
    },
    plugins: [
      dts({
        tsconfigPath: resolve(root, 'tsconfig.json'),
        include: ['src'],
        exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/**/*.test-helpers.ts'],
      }),
    ],
  })
}

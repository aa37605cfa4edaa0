import { resolve } from 'node:path'
import { build, defineConfig } from 'vite'
import type { InlineConfig, Plugin } from 'vite'
import dts from 'vite-plugin-dts'

const root = import.meta.dirname

/**
 * `dist/widget/loader.js`: the host-page script, one self-contained IIFE (a classic script, so
 * `document.currentScript` works and `async` is enough), minified, unhashed because the snippet
 * names it. It empties `dist/` first; the frame config (run after this one) adds to it.
 */
const loaderBuild: InlineConfig = {
  configFile: false,
  root,
  resolve: { conditions: ['source'] },
  logLevel: 'warn',
  build: {
    // Every browser with constructable stylesheets and `dvh` reads ES2020.
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    copyPublicDir: false,
    modulePreload: false,
    minify: true,
    sourcemap: false,
    rolldownOptions: {
      input: resolve(root, 'src/loader/main.ts'),
      output: { format: 'iife', entryFileNames: 'widget/loader.js' },
    },
  },
}

/**
 * `dist/widget/identify.js`: the identification-code dialog, loaded by loader.js on the first request
 * for a code (so it costs the host page nothing before). A classic-script IIFE like the loader: it
 * finds its own `<script>` element through `document.currentScript`. Unhashed because the loader
 * names it; it adds to `dist/` after the loader build emptied it.
 */
const identifyBuild: InlineConfig = {
  ...loaderBuild,
  build: {
    ...loaderBuild.build,
    emptyOutDir: false,
    rolldownOptions: {
      input: resolve(root, 'src/identify/main.ts'),
      output: { format: 'iife', entryFileNames: 'widget/identify.js' },
    },
  },
}

/** Builds the two host-page scripts before the typed module, so the library build below can keep what they wrote. */
function buildLoaderFirst(): Plugin {
  return {
    name: 'threadline:loader-iife',
    apply: 'build',
    async buildStart() {
      await build(loaderBuild)
      await build(identifyBuild)
    },
  }
}

/**
 * `dist/index.js` + `dist/index.d.ts`: the package's module, the types of the command API (the
 * same recipe as scripts/vite-library.ts, narrowed to the files that make up that API so the
 * frame's and the loader's internals get no declarations).
 */
export default defineConfig({
  root,
  resolve: { conditions: ['source'] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    sourcemap: true,
    minify: false,
    lib: { entry: { index: resolve(root, 'src/index.ts') }, formats: ['es'] },
    rolldownOptions: { output: { preserveModules: true, preserveModulesRoot: resolve(root, 'src') } },
  },
  plugins: [
    buildLoaderFirst(),
    dts({
      tsconfigPath: resolve(root, 'tsconfig.json'),
      include: ['src/index.ts', 'src/loader/api.ts', 'src/common/channel.ts'],
    }),
  ],
})

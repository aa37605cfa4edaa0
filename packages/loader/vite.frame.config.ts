import { dirname, join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { preact } from '@preact/preset-vite'
import { defineConfig } from 'vite'

/**
 * The chat frame: `frame.html` and its bundle, `@threadline/react` + core + the http adapter
 * compiled against preact/compat, served from `/widget/` by @threadline/server. Built after
 * `vite.loader.config.ts`, which empties `dist/`; this build adds `dist/widget/frame.html` and
 * `dist/widget/assets/*`. English is the only catalogue in the bundle (`@threadline/react` imports
 * no other statically); the frame loads the customer's with `loadCatalogue`, one chunk per locale.
 *
 * The frame is served with `script-src 'self'; style-src 'self'` (docs/security.md E6), so the output
 * HTML must hold no inline script or style: no module-preload polyfill.
 */

const root = import.meta.dirname
const reactSource = join(
  dirname(createRequire(join(root, 'package.json')).resolve('@threadline/react/package.json')),
  'src',
)
const i18nSource = join(reactSource, 'i18n')
/** Lazy catalogues are `locale-es-[hash].js`; nothing but the entry may start with `frame-` (size-limit globs it). */
function chunkFileName(chunk: { name: string; facadeModuleId: string | null }): string {
  if (chunk.facadeModuleId?.startsWith(i18nSource)) return 'assets/locale-[name]-[hash].js'
  return chunk.name.startsWith('frame') ? 'assets/chunk-[name]-[hash].js' : 'assets/[name]-[hash].js'
}

export default defineConfig({
  root,
  base: '/widget/',
  publicDir: false,
  // Workspace packages build from their sources: nothing needs `dist` first.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: false,
    target: 'es2022',
    cssCodeSplit: false,
    // Neither the polyfill (an inline script) nor the preload helper: the lazy chunks import nothing.
    modulePreload: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: { frame: resolve(root, 'frame.html') },
      output: {
        entryFileNames: 'assets/frame-[hash].js',
        chunkFileNames: chunkFileName,
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith('.css'))
            ? 'assets/frame-[hash][extname]'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
})

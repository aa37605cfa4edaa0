import { dirname, join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { preact } from '@preact/preset-vite'
import { defineConfig } from 'vite'

/**
 * The chat frame: `frame.html` and its bundle, `@threadline/react` + core + the http adapter
 * compiled against preact/compat, served from `/widget/` by @threadline/server. Built after
 * `vite.loader.config.ts`, which empties `dist/`; this build adds `dist/widget/frame.html` and
 * `dist/widget/assets/*`. English is the only catalogue in the bundle (`@threadline/react` imports
 * no other statically); the frame loads the customer's with `loadCatalogue`, one chunk per locale,
 * and the Markdown formatter for the first reply that has formatting.
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
/**
 * Lazy catalogues are `locale-es-[hash].js`, the Markdown formatter `render-markdown-[hash].js` (both
 * from `/widget/assets/`, so `script-src 'self'` covers them); nothing but the entry may start with
 * `frame-` (size-limit globs it).
 */
function chunkFileName(chunk: { name: string; facadeModuleId: string | null }): string {
  if (chunk.facadeModuleId?.startsWith(i18nSource)) return 'assets/locale-[name]-[hash].js'
  return chunk.name.startsWith('frame') ? 'assets/chunk-[name]-[hash].js' : 'assets/[name]-[hash].js'
}

/**
 * The floating widget (`.tl-widget`) and its launcher (`.tl-launcher`) are drawn by the loader on the
 * host page, never inside the frame: their rules in `@threadline/react`'s stylesheet are dropped
 * from the frame's CSS (about 0.3 KB brotli), with the at-rules they leave empty.
 */
const hostOnlySelector = /\.tl-(?:widget|launcher)\b/
/** The few parts of PostCSS's tree this plugin touches (vite bundles PostCSS; the loader does not depend on it). */
interface CssNode {
  type: string
  parent?: CssNode | undefined
  nodes?: CssNode[] | undefined
  remove(): void
}
const dropHostOnlyStyles = {
  postcssPlugin: 'threadline-drop-host-only-styles',
  Rule(rule: CssNode & { selectors: string[] }) {
    if (!rule.selectors.every((selector) => hostOnlySelector.test(selector))) return
    const parent = rule.parent
    rule.remove()
    if (parent?.type === 'atrule' && parent.nodes?.length === 0) parent.remove()
  },
  AtRule: {
    // Only the widget's panel slides in.
    keyframes(atRule: CssNode & { params: string }) {
      if (atRule.params === 'tl-panel-in') atRule.remove()
    },
  },
}

/**
 * Vite wraps each `import()` in a helper that first preloads the chunk's own imports and CSS. Here
 * there is nothing to preload, ever: no module preload (`modulePreload: false` leaves only CSS) and
 * one stylesheet for everything (`cssCodeSplit: false`), so every wrapper gets an empty list and the
 * helper (about 1 KB minified) would ship for nothing. This stand-in just runs the import.
 */
const preloadHelperId = '\0vite/preload-helper.js'
const plainDynamicImports = {
  name: 'threadline-plain-dynamic-imports',
  enforce: 'pre' as const,
  load(id: string) {
    return id === preloadHelperId ? 'export const __vitePreload = (load) => load()' : undefined
  },
}

export default defineConfig({
  root,
  base: '/widget/',
  publicDir: false,
  // Workspace packages build from their sources: nothing needs `dist` first.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  plugins: [plainDynamicImports, preact({ prefreshEnabled: false, devToolsEnabled: false })],
  css: { postcss: { plugins: [dropHostOnlyStyles] } },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: false,
    target: 'es2022',
    cssCodeSplit: false,
    // Neither the polyfill (an inline script) nor the preload helper: a lazy chunk imports nothing
    // but the entry, which is already loaded.
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

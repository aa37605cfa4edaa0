import { preact } from '@preact/preset-vite'
import { defaultClientConditions, defineConfig } from 'vite'

// The demo serves the built console at http://localhost:4400/console/, the API's own origin.
// `source` builds the workspace packages from their sources, so nothing needs a `dist` first.
//
// The console is written against React's API and ships on preact/compat, as the chat frame does:
// React 19 and react-dom were 58 of the bundle's 92 KB (brotli); on preact it is 41 KB. The
// console's tests run on preact/compat too (the `console` test project), so what is tested is what
// ships. The `@threadline/react` parts it uses are tested on React 18, 19 and preact.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true },
  // `vite` here (dev) talks to a server on 4400 through this proxy, still same-origin to the page.
  server: { proxy: { '/v1': process.env.THREADLINE_URL ?? 'http://localhost:4400' } },
})

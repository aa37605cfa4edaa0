import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

// The demo serves the built console at http://localhost:4400/console/, the API's own origin.
// `source` builds the workspace packages from their sources, so nothing needs a `dist` first.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true },
  // `vite` here (dev) talks to a server on 4400 through this proxy, still same-origin to the page.
  server: { proxy: { '/v1': process.env.THREADLINE_URL ?? 'http://localhost:4400' } },
})

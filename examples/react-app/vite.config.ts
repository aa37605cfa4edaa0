import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig, loadEnv } from 'vite'
import type { Plugin } from 'vite'
import { createAccountRoutes } from './src/backend/account-routes.ts'

/**
 * Browser settings are `VITE_`-prefixed (`VITE_THREADLINE_URL`, `VITE_THREADLINE_WORKSPACE`) and end
 * up in the bundle. The workspace secret is not: `THREADLINE_WORKSPACE_SECRET` is read here, on the
 * server side, by the backend routes (the dev server and `vite preview` mount them).
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, import.meta.dirname, '')
  return {
    root: import.meta.dirname,
    plugins: [react(), accountBackend(env)],
    // Only in this repository: build the workspace's packages from their sources, no `dist` needed.
    // Your app installs them from npm and drops this line.
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: { outDir: 'dist', emptyOutDir: true },
  }
})

/** Your real backend (Express, Fastify, a serverless function…) owns these routes in production. */
function accountBackend(env: Record<string, string>): Plugin {
  const secret = env.THREADLINE_WORKSPACE_SECRET
  const routes = createAccountRoutes({
    workspaceKey: secret ? { secret, kid: env.THREADLINE_WORKSPACE_KID || undefined } : undefined,
  })
  return {
    name: 'account-backend',
    configureServer(server) {
      server.middlewares.use(routes)
    },
    configurePreviewServer(server) {
      server.middlewares.use(routes)
    },
  }
}

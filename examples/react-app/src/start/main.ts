/**
 * `pnpm start:react`: the Threadline server on SQLite (`.threadline/react-app/`) with a workspace
 * whose allowed origin is the app's, and the app on Vite's dev server with its backend routes. The
 * workspace secret goes to the backend only (THREADLINE_WORKSPACE_SECRET); the browser gets the
 * server's URL and the workspace id.
 *
 * PORT (default 4410) is the chat server, APP_PORT (default 4411) the app, THREADLINE_DATA_DIR the
 * data. `--exit` starts, prints and stops (a smoke test).
 */
import { resolve } from 'node:path'
import { startServer } from '@threadline/server'
import { createServer } from 'vite'
import { ensureAppWorkspace, loadOrCreateServerSecret } from './workspace.js'

const appDir = resolve(import.meta.dirname, '../..')
const host = '127.0.0.1'

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`${name} must be a port (1–65535), got "${raw}"`)
  return port
}

async function main() {
  const port = portFromEnv('PORT', 4410)
  const appPort = portFromEnv('APP_PORT', 4411)
  const dataDir = resolve(process.env.THREADLINE_DATA_DIR ?? resolve(appDir, '../../.threadline/react-app'))
  const appOrigin = `http://${host}:${appPort}`

  const server = await explainPortInUse('PORT', port, () =>
    startServer({
      port,
      host,
      database: { kind: 'sqlite', file: resolve(dataDir, 'threadline.sqlite') },
      mode: 'development',
      secret: loadOrCreateServerSecret(dataDir),
      // The script tag's files are not needed here: the app renders the chat itself.
      widgetDir: null,
      // Development prints every mail, codes included.
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  )
  const workspace = await ensureAppWorkspace(server, dataDir, appOrigin)

  // Read by vite.config.ts: the VITE_ ones go to the browser, the secret stays in the backend.
  process.env.VITE_THREADLINE_URL = server.url
  process.env.VITE_THREADLINE_WORKSPACE = workspace.workspaceId
  process.env.THREADLINE_WORKSPACE_SECRET = workspace.secret
  process.env.THREADLINE_WORKSPACE_KID = workspace.kid
  const vite = await createServer({ root: appDir, server: { host, port: appPort, strictPort: true } })
  try {
    await explainPortInUse('APP_PORT', appPort, () => vite.listen())
  } catch (error) {
    await server.close()
    throw error
  }

  const exit = process.argv.includes('--exit')
  process.stdout.write(`
Threadline React example${exit ? '' : ' (Ctrl+C stops it)'}

  The app               ${appOrigin}/
  Codes (dev mailbox)   ${server.url}/dev/mailbox
  Chat server           ${server.url}  (workspace ${workspace.workspaceId})

Signed out, the chat asks for an email and a code (in the mailbox); "Sign in as Ada" makes the
app's backend sign an identity token instead. Answer as an advisor with the agent API:
  curl -H 'Authorization: Bearer ${workspace.agentKey}' ${server.url}/v1/agent/conversations
Data in ${dataDir}; delete it to start over.
`)

  let closing: Promise<void> | null = null
  const stop = () => {
    closing ??= Promise.all([vite.close(), server.close()]).then(() => process.exit(0))
  }
  if (exit) return stop()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** A taken port ends the run with one line that names the setting to change. */
async function explainPortInUse<T>(setting: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen()
  } catch (error) {
    // Node says EADDRINUSE; Vite (strictPort) says "Port … is already in use".
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /already in use/.test(String(error))
    if (!inUse) throw error
    process.stderr.write(`Port ${port} is in use. Pick another: ${setting}=${port + 100} pnpm start:react\n`)
    process.exit(1)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})

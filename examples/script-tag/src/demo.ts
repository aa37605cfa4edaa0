/**
 * The whole demo in one call: the chat server (API, `/widget/*`, dev mailbox, agent console) and a
 * demo shop with the script tag, on two origins as in real life.
 *
 * Two origins on purpose: the chat frame keeps the customer's session token in its own origin's
 * storage, out of reach of the host page's scripts. Serving the shop from the chat server's origin
 * would hand those scripts the token, so the demo never does it.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startServer } from '@threadline/server'
import { demoAdvisorEmail, ensureDemoWorkspace, loadOrCreateServerSecret } from './demo-workspace.js'
import { signIdentityToken } from './identity-token.js'
import type { IdentityClaims } from './identity-token.js'
import { startSite } from './site-server.js'
import type { RunningSite } from './site-server.js'

export type { IdentityClaims } from './identity-token.js'

export interface DemoOptions {
  /** The chat server's port. 0 (default) picks a free port. */
  port?: number
  /** The demo site's port. 0 (default) picks a free port. */
  sitePort?: number
  /** SQLite database, server secret and demo credentials. Default: `.threadline/` at the repo root. */
  dataDir?: string
  /** Both servers listen here. Default `127.0.0.1`. */
  host?: string
  /** Operational lines and, in development, every mail the server sends (codes included). Default stderr. */
  log?: (line: string) => void
}

export interface RunningDemo {
  /** The chat server: API, `/widget/loader.js`, `/widget/frame.html`. */
  readonly chatUrl: string
  /** The demo shop with the snippet (chat as a customer). */
  readonly siteUrl: string
  /** The advisors' console. */
  readonly consoleUrl: string
  /** The console with the demo advisor's email filled in (`#email=`): "Email me a code", then the code from the dev mailbox. */
  readonly consoleSignInUrl: string
  /** The demo advisor (Grace, the workspace's owner) signs in to the console with this email. */
  readonly advisorEmail: string
  /** The dev mailbox: the codes customers are sent. */
  readonly mailboxUrl: string
  readonly workspaceId: string
  readonly agentKey: string
  /** Signs an identity JWT for the demo workspace, as the site's backend does for its users. */
  signIdentityToken(claims: IdentityClaims): string
  close(): Promise<void>
}

/** A port was taken. `which` says whose, so a caller can name the setting to change. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'
  constructor(
    readonly which: 'chat' | 'site',
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`Port ${port} (the ${which} server) is already in use`, options)
  }
}

const repoRoot = resolve(import.meta.dirname, '../../..')
const siteDir = resolve(import.meta.dirname, '../site')
/** The demo shop's signed-in user. */
const ada: IdentityClaims = {
  sub: 'demo-user-ada',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir ?? join(repoRoot, '.threadline'))
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  mkdirSync(dataDir, { recursive: true })

  const server = await listenOrExplain('chat', options.port ?? 0, () =>
    startServer({
      port: options.port ?? 0,
      host,
      database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
      mode: 'development',
      // Persisted like `threadline start` does: without it every restart would log everyone out.
      secret: loadOrCreateServerSecret(dataDir),
      log,
    }),
  )

  let site: RunningSite
  let credentials: Awaited<ReturnType<typeof ensureDemoWorkspace>>
  try {
    credentials = await ensureDemoWorkspace(server, dataDir)
    const sign = (claims: IdentityClaims) => signIdentityToken(claims, credentials)
    site = await listenOrExplain('site', options.sitePort ?? 0, () =>
      startSite({
        port: options.sitePort ?? 0,
        host,
        siteDir,
        chatUrl: server.url,
        workspaceId: credentials.workspaceId,
        issueIdentityToken: () => sign(ada),
      }),
    )
  } catch (error) {
    await server.close()
    throw error
  }

  let closing: Promise<void> | null = null
  return {
    chatUrl: server.url,
    siteUrl: site.url,
    consoleUrl: `${server.url}/console/`,
    consoleSignInUrl: `${server.url}/console/#email=${demoAdvisorEmail}`,
    advisorEmail: demoAdvisorEmail,
    mailboxUrl: `${server.url}/dev/mailbox`,
    workspaceId: credentials.workspaceId,
    agentKey: credentials.agentKey,
    signIdentityToken: (claims) => signIdentityToken(claims, credentials),
    close() {
      closing ??= Promise.all([site.close(), server.close()]).then(() => undefined)
      return closing
    },
  }
}

async function listenOrExplain<T>(which: 'chat' | 'site', port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(which, port, { cause: error })
    throw error
  }
}

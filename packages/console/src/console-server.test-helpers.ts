import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAdminClient, createConsoleClient } from '@threadline/api'
import type { AdminClient } from '@threadline/api'
import type { AdvisorRole, TeamMember } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { createConsoleBrowser, takeConsoleCode } from '@threadline/server/testing'
import type { ConsoleBrowser } from '@threadline/server/testing'
import { afterAll, beforeAll, vi } from 'vitest'

export interface ConsoleServer {
  server: RunningServer
  url: string
  workspaceId: string
  /** The workspace's owner, who signs in to the console with an emailed code. */
  ownerEmail: string
  admin: AdminClient
  /** Moves the server's clock on (code expiry). */
  advanceClock(milliseconds: number): void
  /** The newest console code mailed to `email` that no earlier call answered (the dev outbox). */
  consoleCode(email: string): Promise<string>
  /** A browser tab on the server's origin, already signed in as `email`. */
  signedInBrowser(email: string): Promise<ConsoleBrowser>
  /** A new teammate (invited with the admin API) and their email. */
  teammate(role: AdvisorRole, name?: string): Promise<{ advisor: TeamMember; email: string }>
}

/** The newest console sign-in code mailed to `email` whose mail is not in `seen` (the dev outbox). */
function waitForConsoleCode(server: RunningServer, email: string, seen: Set<string>): Promise<string> {
  return vi.waitFor(
    () => {
      const code = takeConsoleCode(server.devOutbox?.messages() ?? [], email, seen)
      if (code === null) throw new Error(`No new console sign-in code was mailed to ${email}`)
      return code
    },
    { timeout: 10_000, interval: 20 },
  )
}

/** A browser tab on the server's origin, signed in as `email` with the code from the dev outbox. */
export async function signInBrowser(server: RunningServer, email: string): Promise<ConsoleBrowser> {
  const seen = new Set((server.devOutbox?.messages() ?? []).map((message) => message.id))
  const browser = createConsoleBrowser(server.url)
  const client = createConsoleClient({ baseUrl: server.url, fetch: browser.fetch })
  await client.startSignIn({ email })
  await client.verifySignIn({ email, code: await waitForConsoleCode(server, email, seen) })
  return browser
}

/** One real server for the file's tests (SQLite in a temp dir, dev outbox), with an owner who can sign in. */
export function useConsoleServer({ name = 'Console Shop' }: { name?: string } = {}): {
  readonly current: ConsoleServer
} {
  let current: ConsoleServer | undefined
  let dataDir: string | undefined
  let server: RunningServer | undefined

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-console-'))
    let clockOffset = 0
    const running = (server = await startServer({
      port: 0,
      mode: 'development',
      log: () => undefined,
      replyEmailSweepMs: 0,
      now: () => Date.now() + clockOffset,
      database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
    }))
    const ownerEmail = 'olga@shop.example'
    const workspace = await running.createWorkspace({
      name,
      origins: ['https://shop.example'],
      ownerEmail,
      ownerName: 'Olga',
    })
    const admin = createAdminClient({
      baseUrl: running.url,
      workspaceId: workspace.workspaceId,
      secret: workspace.secret,
    })
    // Codes the UI asked for: each is answered once, so an older code never passes for the newest.
    const answered = new Set<string>()
    let teammates = 0
    current = {
      server: running,
      url: running.url,
      workspaceId: workspace.workspaceId,
      ownerEmail,
      admin,
      advanceClock(milliseconds) {
        clockOffset += milliseconds
      },
      consoleCode: (email) => waitForConsoleCode(running, email, answered),
      signedInBrowser: (email) => signInBrowser(running, email),
      async teammate(role, teammateName = `Teammate ${++teammates}`) {
        const email = `${teammateName.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 6)}@shop.example`
        return { advisor: await admin.inviteAdvisor({ email, name: teammateName, role }), email }
      },
    }
  }, 60_000)

  afterAll(async () => {
    await server?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  return {
    get current() {
      if (!current) throw new Error('The server did not start (see the beforeAll error)')
      return current
    },
  }
}

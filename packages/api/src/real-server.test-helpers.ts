import { createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isThreadlineError, visitorRoutes, workspaceHeader } from '@threadline/protocol'
import type { Message, SessionGrant, ThreadlineError } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { takeConsoleCode } from '@threadline/server/testing'
import { afterAll, beforeAll, expect, vi } from 'vitest'

export interface RealServer {
  url: string
  workspaceId: string
  secret: string
  agentKey: string
  /** The owner's email (the workspace was made with it), who can sign in to the console; `agentKey` is theirs. */
  ownerEmail: string
  /** The newest console sign-in code mailed to `email` (the dev outbox); waits for the mail, which is not awaited. */
  consoleCode(email: string): Promise<string>
  /** The subjects of every mail sent to `email` so far (the dev outbox). */
  mailsTo(email: string): string[]
  /** Moves the server's clock on (code expiry); every later call sees the later time. */
  advanceClock(milliseconds: number): void
  /** A customer of the workspace, signed in through the visitor API with a site's identity token. */
  customer(options?: { email?: string }): Promise<Customer>
  /** A second agent of the same workspace (another advisor). */
  otherAgentKey(): Promise<string>
}

export interface Customer {
  externalId: string
  token: string
  /** Posts as the customer; resolves with the stored message. */
  send(text: string): Promise<Message>
  trackPageView(url: string): Promise<void>
}

/** One real server (SQLite in a temp dir, ephemeral port) for the file's tests: no mock in between. */
export function useRealServer(): { readonly current: RealServer } {
  let server: RunningServer | undefined
  let dataDir: string | undefined
  let current: RealServer | undefined
  let clockOffset = 0
  const answeredMails = new Set<string>()

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'threadline-api-'))
    server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: join(dataDir, 'threadline.db') },
      mode: 'development',
      replyEmailSweepMs: 0,
      // Webhook tests deliver to a receiver on this machine, every 50 ms.
      webhookAllowedHosts: ['127.0.0.1'],
      webhookRunMs: 50,
      now: () => Date.now() + clockOffset,
      log: () => {},
    })
    const running = server
    const ownerEmail = 'owner@api.example.test'
    const credentials = await running.createWorkspace({
      name: 'Api',
      origins: ['https://shop.example.test'],
      ownerEmail,
      ownerName: 'Olga',
    })
    const visitor = async (route: { method: string; path: string }, body: unknown, token?: string) => {
      const response = await fetch(running.url + route.path, {
        method: route.method,
        headers: {
          'content-type': 'application/json',
          [workspaceHeader]: credentials.workspaceId,
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      })
      if (!response.ok) throw new Error(`${route.path} answered ${response.status}: ${await response.text()}`)
      return response.status === 204 ? undefined : (response.json() as Promise<unknown>)
    }
    current = {
      url: running.url,
      workspaceId: credentials.workspaceId,
      secret: credentials.secret,
      agentKey: credentials.agentKey,
      ownerEmail,
      consoleCode: (email) =>
        vi.waitFor(
          () => {
            const code = takeConsoleCode(running.devOutbox?.messages() ?? [], email, answeredMails)
            if (code === null) throw new Error(`No new console sign-in code was mailed to ${email}`)
            return code
          },
          { timeout: 10_000, interval: 20 },
        ),
      mailsTo: (email) =>
        (running.devOutbox?.messages() ?? []).filter((message) => message.to === email).map((mail) => mail.subject),
      advanceClock(milliseconds) {
        clockOffset += milliseconds
      },
      async customer({ email } = {}) {
        const externalId = `user_${randomUUID()}`
        const identityToken = signIdentityToken(credentials, { sub: externalId, ...(email ? { email } : {}) })
        const grant = (await visitor(visitorRoutes.identify, { identityToken })) as SessionGrant
        const token = grant.session.token
        return {
          externalId,
          token,
          async send(text) {
            const sent = (await visitor(visitorRoutes.sendMessage, { clientId: randomUUID(), text }, token)) as {
              message: Message
            }
            return sent.message
          },
          async trackPageView(url) {
            await visitor(visitorRoutes.trackPageView, { url, title: 'Pricing', referrer: '' }, token)
          },
        }
      },
      async otherAgentKey() {
        return (await running.createAgent({ workspaceId: credentials.workspaceId, name: 'Other advisor' })).agentKey
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

/** An HS256 identity token as a site's backend signs it. */
function signIdentityToken(
  { secret, kid }: { secret: string; kid: string },
  claims: { sub: string; email?: string },
): string {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode({ alg: 'HS256', typ: 'JWT', kid })}.${encode({ iat: now, exp: now + 600, email_verified: true, ...claims })}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** The ThreadlineError a call rejects with; the test fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<ThreadlineError> {
  const error: unknown = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  )
  if (!isThreadlineError(error)) throw error
  return error
}

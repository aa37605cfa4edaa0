import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgentClient } from '@threadline/api'
import { workspaceHeader } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import {
  findHalfWrittenMessages,
  findPostgresBinaries,
  lockSqliteFile,
  startPostgres,
  startServerProcess,
} from '@threadline/server/testing'
import type { PostgresCluster } from '@threadline/server/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from '../adapters/http/create-http-adapter.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'
import { createChatClient } from './create-chat-client.js'
import type { ChatClient } from './chat-client.js'

type DatabaseOptions = Parameters<typeof startServer>[0]['database']

/**
 * L4: the database goes away while customers write (a SQLite file locked by another connection
 * past busy_timeout; a Postgres cluster stopped as a crash stops it), then comes back. Real client,
 * real http adapter, real server and database; nothing faked between them.
 */
interface Outage {
  database: DatabaseOptions
  /** A server on the database, with one workspace. */
  serve(): Promise<OutageServer>
  /** Takes the database away; resolves once it is away. */
  begin(): Promise<void>
  /** Brings it back; resolves once it answers again. */
  end(): Promise<void>
  cleanup(): Promise<void>
}

interface OutageServer {
  url: string
  workspaceId: string
  agentKey: string
  /** The sign-in code last mailed to `email`. */
  codeFor(email: string): Promise<string>
  /** False once the server's process has died; an uncaught error on a dropped connection would end it. */
  running(): boolean
  /** What it printed, to show when it died. */
  output(): string
  close(): Promise<void>
}

const customerCount = 3
const beforeOutage = 3
const duringOutage = 3
/** The http adapter's default request timeout: "fast" means well under it. */
const clientTimeoutMs = 10_000

interface Answer {
  status: number
  retryAfter: string | null
}

function isMessagePost(input: RequestInfo | URL, init?: RequestInit): boolean {
  const url = input instanceof Request ? input.url : String(input)
  return init?.method === 'POST' && url.endsWith('/v1/conversation/messages')
}

/** One message sent with plain fetch, timed: what any client sees while the database is away. */
async function probe(server: OutageServer, workspaceId: string, token: string) {
  const started = performance.now()
  const response = await fetch(`${server.url}/v1/conversation/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [workspaceHeader]: workspaceId },
    body: JSON.stringify({ clientId: crypto.randomUUID(), text: 'probe' }),
  })
  const body = (await response.json()) as { error?: { code: string; retryAfterSeconds?: number } }
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body,
    milliseconds: performance.now() - started,
  }
}

function describeOutage(title: string, outage: () => Promise<Outage>) {
  describe(title, () => {
    const cleanups: Array<() => Promise<void> | void> = []
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    })

    it('L4: requests fail fast with 503 unavailable and Retry-After, the server recovers by itself, and nothing is lost, doubled or half-written', async () => {
      const opened = await outage()
      cleanups.push(() => opened.cleanup())
      const server = await opened.serve()
      cleanups.push(() => server.close())
      const { workspaceId, agentKey } = server

      const answers: Answer[] = []
      const recordingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init)
        if (isMessagePost(input, init))
          answers.push({ status: response.status, retryAfter: response.headers.get('retry-after') })
        return response
      }
      const adapter = createHttpAdapter({ baseUrl: server.url, workspaceId, fetch: recordingFetch })
      const clients: ChatClient[] = []
      for (let customer = 0; customer < customerCount; customer++) {
        const client = createChatClient({
          adapter,
          storage: createMemoryStorage(),
          tabs: createSingleTabCoordinator(),
        })
        cleanups.push(() => client.destroy())
        const email = `outage-${customer}-${crypto.randomUUID()}@example.test`
        expect((await client.startEmailVerification(email)).ok).toBe(true)
        expect((await client.verifyEmail(await server.codeFor(email))).ok).toBe(true)
        clients.push(client)
      }
      const probeEmail = `probe-${crypto.randomUUID()}@example.test`
      const { challengeId } = await adapter.startEmailVerification({ email: probeEmail })
      const { session } = await adapter.verifyEmail({ challengeId, code: await server.codeFor(probeEmail) })

      const written = clients.map(() => [] as string[])
      const write = async (count: number) => {
        for (const [customer, client] of clients.entries())
          for (let index = 0; index < count; index++) {
            const text = `customer ${customer} message ${written[customer]?.length ?? 0}`
            written[customer]?.push(text)
            expect((await client.sendMessage({ text })).ok).toBe(true)
          }
      }
      const delivered = () =>
        clients.map((client) => client.getState().messages.filter((message) => message.delivery === 'sent').length)

      // Mid-load: the database goes away as soon as the first message is in, the rest still in flight.
      await write(beforeOutage)
      await vi.waitFor(() => expect(Math.max(...delivered())).toBeGreaterThan(0))
      await opened.begin()
      await write(duringOutage)

      const refused = await probe(server, workspaceId, session.token)
      expect(refused.status).toBe(503)
      expect(refused.body.error).toMatchObject({ code: 'unavailable', retryAfterSeconds: 2 })
      expect(refused.retryAfter).toBe('2')
      expect(refused.milliseconds).toBeLessThan(clientTimeoutMs / 2)
      await vi.waitFor(() => expect(answers.some((answer) => answer.status === 503)).toBe(true), { timeout: 20_000 })

      await opened.end()
      expect(server.running(), server.output()).toBe(true)
      // No restart: the same server answers again once the database is back.
      await vi.waitFor(async () => expect((await probe(server, workspaceId, session.token)).status).toBe(200), {
        timeout: 20_000,
        interval: 250,
      })
      await vi.waitFor(() => expect(delivered()).toEqual(clients.map(() => beforeOutage + duringOutage)), {
        timeout: 40_000,
        interval: 100,
      })

      const unavailable = answers.filter((answer) => answer.status !== 200)
      expect(unavailable.length).toBeGreaterThan(0)
      expect(unavailable.every((answer) => answer.status === 503 && answer.retryAfter === '2')).toBe(true)
      expect(
        clients.some((client) => client.getState().messages.some((message) => message.delivery === 'failed')),
      ).toBe(false)
      const agent = createAgentClient({ baseUrl: server.url, agentKey })
      const stored = new Map<number, string[]>()
      for (const { conversation } of await agent.listConversations()) {
        const { messages } = await agent.listMessages({ conversationId: conversation.id, limit: 100 })
        const customer = /^customer (\d+)/.exec(messages[0]?.text ?? '')?.[1]
        if (customer !== undefined)
          stored.set(
            Number(customer),
            messages.map((message) => message.text),
          )
      }
      expect(clients.map((_, customer) => stored.get(customer))).toEqual(written)
      expect(await findHalfWrittenMessages(opened.database)).toEqual({
        messagesWithoutEvent: [],
        eventsWithoutMessage: [],
      })
      expect(server.running(), server.output()).toBe(true)
    }, 60_000)
  })
}

describeOutage('a locked SQLite file', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'threadline-outage-'))
  const file = join(directory, 'outage.sqlite')
  let lock: ReturnType<typeof lockSqliteFile> | null = null
  const database: DatabaseOptions = { kind: 'sqlite', file }
  return {
    database,
    serve: () => serveInProcess(database),
    begin: async () => {
      lock = lockSqliteFile(file)
    },
    end: async () => {
      lock?.release()
      lock = null
    },
    cleanup: async () => {
      lock?.release()
      rmSync(directory, { recursive: true, force: true })
    },
  }
})

/** The server in this process: enough for SQLite, whose outage cannot raise anything uncaught. */
async function serveInProcess(database: DatabaseOptions): Promise<OutageServer> {
  const server = await startServer({ port: 0, database, mode: 'development', replyEmailSweepMs: 0, log: () => {} })
  const { workspaceId, agentKey } = await server.createWorkspace({ name: 'Outage', origins: [] })
  return {
    url: server.url,
    workspaceId,
    agentKey,
    codeFor: async (email) =>
      server.devOutbox
        ?.messages()
        .find((mail) => mail.to === email)
        ?.text.match(/\b\d{6}\b/)?.[0] ?? '',
    running: () => true,
    output: () => '',
    close: () => server.close(),
  }
}

/**
 * `threadline start` in a process of its own, so an error nothing catches (pg's 'error' event on a
 * connection with no listener) shows as a dead process instead of failing this test's runner.
 */
async function serveInChildProcess(databaseUrl: string, dataDir: string): Promise<OutageServer> {
  const server = await startServerProcess({
    env: { THREADLINE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, THREADLINE_OTP_IP_HOURLY_LIMIT: '1000' },
  })
  const { workspaceId, agentKey } = await server.demoWorkspace()
  return {
    url: server.url,
    workspaceId,
    agentKey,
    codeFor: async (email) => {
      const mailbox = (await (
        await fetch(`${server.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as { messages: Array<{ to: string; text: string }> }
      return mailbox.messages.find((mail) => mail.to === email)?.text.match(/\b\d{6}\b/)?.[0] ?? ''
    },
    running: () => server.running(),
    output: () => server.output(),
    close: () => server.stop(),
  }
}

const postgres = findPostgresBinaries()
describe.skipIf(postgres === null && !process.env['CI'])('on Postgres', () => {
  describeOutage('a Postgres cluster stopped mid-load', async () => {
    const cluster: PostgresCluster = await startPostgres()
    const databaseUrl = await cluster.createDatabase()
    const dataDir = mkdtempSync(join(tmpdir(), 'threadline-outage-'))
    return {
      database: { kind: 'postgres', url: databaseUrl },
      serve: () => serveInChildProcess(databaseUrl, dataDir),
      begin: () => cluster.crash(),
      end: () => cluster.start(),
      cleanup: async () => {
        await cluster.stop()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  })
})

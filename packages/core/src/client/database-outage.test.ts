import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgentClient } from '@threadline/api'
import { workspaceHeader } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { findHalfWrittenMessages, lockSqliteFile } from '@threadline/server/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from '../adapters/http/create-http-adapter.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'
import { createChatClient } from './create-chat-client.js'
import type { ChatClient } from './chat-client.js'

type DatabaseOptions = Parameters<typeof startServer>[0]['database']

/**
 * L4: the database goes away while customers write (here: the SQLite file locked by another
 * connection past busy_timeout), then comes back. Real client, real http adapter,
 * real server and database; nothing faked between them.
 */
interface Outage {
  database: DatabaseOptions
  /** Takes the database away; resolves once it is away. */
  begin(): Promise<void>
  /** Brings it back; resolves once it answers again. */
  end(): Promise<void>
  cleanup(): Promise<void>
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

async function codeFor(server: RunningServer, email: string): Promise<string> {
  return (
    server.devOutbox
      ?.messages()
      .find((mail) => mail.to === email)
      ?.text.match(/\b\d{6}\b/)?.[0] ?? ''
  )
}

/** One message sent with plain fetch, timed: what any client sees while the database is away. */
async function probe(server: RunningServer, workspaceId: string, token: string) {
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
      const server = await startServer({
        port: 0,
        database: opened.database,
        mode: 'development',
        replyEmailSweepMs: 0,
        log: () => {},
      })
      cleanups.push(() => server.close())
      const { workspaceId, agentKey } = await server.createWorkspace({ name: 'Outage', origins: [] })

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
        expect((await client.verifyEmail(await codeFor(server, email))).ok).toBe(true)
        clients.push(client)
      }
      const probeEmail = `probe-${crypto.randomUUID()}@example.test`
      const { challengeId } = await adapter.startEmailVerification({ email: probeEmail })
      const { session } = await adapter.verifyEmail({ challengeId, code: await codeFor(server, probeEmail) })

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
    }, 60_000)
  })
}

describeOutage('a locked SQLite file', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'threadline-outage-'))
  const file = join(directory, 'outage.sqlite')
  let lock: ReturnType<typeof lockSqliteFile> | null = null
  return {
    database: { kind: 'sqlite', file },
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

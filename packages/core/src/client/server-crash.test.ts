import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgentClient } from '@threadline/api'
import type { AgentEventEnvelope, Message } from '@threadline/protocol'
import { findPostgresBinaries, startPostgres, startServerProcess } from '@threadline/server/testing'
import type { PostgresCluster } from '@threadline/server/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from '../adapters/http/create-http-adapter.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'
import { createChatClient } from './create-chat-client.js'
import type { ChatClient } from './chat-client.js'

/**
 * L3: `threadline start` in its own process is `kill -9`ed while customers send through the real
 * http adapter and outbox, then started again on the same data dir and port. Nothing between the
 * client and the server is faked: the one liberty taken is *when* the kill lands, chosen so that one
 * message's answer is certainly lost after the server committed it (the hardest case, G2).
 */

const customerCount = 4
/** Written before the crash (all at once: the outbox sends them one by one), and while the server is down. */
const beforeCrash = 8
const whileDown = 3
/** The crash lands just after the server answered this message of customer 0 (1-based), before the client reads it. */
const crashAfterMessage = 4

/** The JSON body of a message POST, or null for any other request. */
function sentMessage(input: RequestInfo | URL, init?: RequestInit): { clientId: string } | null {
  const url = input instanceof Request ? input.url : String(input)
  if (init?.method !== 'POST' || !url.endsWith('/v1/conversation/messages') || typeof init.body !== 'string')
    return null
  return JSON.parse(init.body) as { clientId: string }
}

/** The message ids of the `message` timeline events among an advisor's stream events, in arrival order. */
function messageIdsIn(events: AgentEventEnvelope[]): string[] {
  return events.flatMap(({ event }) =>
    event.type === 'timeline.appended' && event.entry.kind === 'message'
      ? [(event.entry.payload as { messageId: string }).messageId]
      : [],
  )
}

async function signIn(client: ChatClient, baseUrl: string, email: string): Promise<void> {
  expect((await client.startEmailVerification(email)).ok).toBe(true)
  const mailbox = (await (
    await fetch(`${baseUrl}/dev/mailbox`, { headers: { accept: 'application/json' } })
  ).json()) as {
    messages: Array<{ to: string; text: string }>
  }
  const code = mailbox.messages.find((mail) => mail.to === email)?.text.match(/\b\d{6}\b/)?.[0]
  expect((await client.verifyEmail(code ?? '')).ok).toBe(true)
}

function describeCrash(title: string, database: () => Promise<{ env: Record<string, string> }>) {
  describe(title, () => {
    const cleanups: Array<() => Promise<void> | void> = []
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    })

    it('L3: after kill -9 and a restart, every acknowledged message is stored once, every unacknowledged one arrives from the outbox, in order, and the agent stream resumes with Last-Event-ID missing nothing', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'threadline-crash-'))
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      const env = { THREADLINE_DATA_DIR: dataDir, THREADLINE_OTP_IP_HOURLY_LIMIT: '1000', ...(await database()).env }
      let server = await startServerProcess({ env })
      cleanups.push(() => server.stop())
      const { workspaceId, agentKey } = await server.demoWorkspace()
      const baseUrl = server.url

      // The advisor's stream, resuming by itself; each of its requests' Last-Event-ID is kept.
      const agentEvents: AgentEventEnvelope[] = []
      const resumedFrom: string[] = []
      const agent = createAgentClient({ baseUrl, agentKey })
      const streamingAgent = createAgentClient({
        baseUrl,
        agentKey,
        fetch: (input, init) => {
          const lastEventId = new Headers(init?.headers).get('last-event-id')
          if (lastEventId !== null) resumedFrom.push(lastEventId)
          return fetch(input, init)
        },
      })
      let streamLive = false
      const closeStream = streamingAgent.subscribe({
        onEvent: ({ data }) => agentEvents.push(data),
        onStatus: ({ status }) => (streamLive = status === 'live'),
      })
      cleanups.push(closeStream)
      // A second advisor's console, closed by the crash and opened again only once the customers'
      // messages are all in: everything after its last id must come from the replay.
      const closedConsole: AgentEventEnvelope[] = []
      let closedConsoleLastId = ''
      let closedConsoleLive = false
      const closeConsole = agent.subscribe({
        onEvent: ({ data, id }) => {
          closedConsole.push(data)
          closedConsoleLastId = id
        },
        onStatus: ({ status }) => (closedConsoleLive = status === 'live'),
      })
      cleanups.push(closeConsole)
      await vi.waitFor(() => expect(streamLive && closedConsoleLive).toBe(true))

      const acknowledged = new Set<string>()
      let lostAnswer: string | null = null
      let crashed = false
      const clients = Array.from({ length: customerCount }, (_, customer) => {
        let sent = 0
        const crashingFetch: typeof fetch = async (input, init) => {
          const message = sentMessage(input, init)
          const response = await fetch(input, init)
          if (message === null || response.status !== 200) return response
          if (customer === 0 && ++sent === crashAfterMessage && !crashed) {
            // The server committed this message and answered; it dies before the client reads the answer.
            crashed = true
            lostAnswer = message.clientId
            closeConsole()
            await server.kill()
            throw new TypeError('fetch failed')
          }
          acknowledged.add(message.clientId)
          return response
        }
        const client = createChatClient({
          adapter: createHttpAdapter({ baseUrl, workspaceId, fetch: crashingFetch }),
          storage: createMemoryStorage(),
          tabs: createSingleTabCoordinator(),
        })
        cleanups.push(() => client.destroy())
        return client
      })
      for (const [customer, client] of clients.entries())
        await signIn(client, baseUrl, `crash-${customer}-${crypto.randomUUID()}@example.test`)

      const written = clients.map(() => [] as string[])
      const write = async (customer: number, count: number) => {
        for (let index = 0; index < count; index++) {
          const text = `customer ${customer} message ${written[customer]?.length ?? 0}`
          written[customer]?.push(text)
          expect((await clients[customer]?.sendMessage({ text }))?.ok).toBe(true)
        }
      }
      await Promise.all(clients.map((_, customer) => write(customer, beforeCrash)))
      await vi.waitFor(() => expect(crashed).toBe(true), { timeout: 20_000 })
      const acknowledgedBeforeCrash = new Set(acknowledged)
      await Promise.all(clients.map((_, customer) => write(customer, whileDown)))

      server = await startServerProcess({ env, port: server.port })
      await vi.waitFor(
        () => {
          for (const client of clients) {
            const delivered = client.getState().messages.filter((message) => message.delivery === 'sent')
            expect(delivered).toHaveLength(beforeCrash + whileDown)
          }
        },
        { timeout: 45_000, interval: 100 },
      )

      const stored = new Map<number, Message[]>()
      for (const { conversation } of await agent.listConversations()) {
        const { messages } = await agent.listMessages({ conversationId: conversation.id, limit: 100 })
        const customer = Number(/^customer (\d+)/.exec(messages[0]?.text ?? '')?.[1])
        stored.set(customer, messages)
      }
      // Nothing lost, nothing doubled, each customer's order kept.
      expect([...stored.keys()].sort()).toEqual(clients.map((_, customer) => customer))
      for (const [customer, messages] of stored) {
        expect(messages.map((message) => message.text)).toEqual(written[customer])
        expect(messages.map((message) => message.seq)).toEqual(messages.map((_, index) => index + 1))
      }
      const storedClientIds = [...stored.values()].flat().map((message) => message.clientId)
      expect(new Set(storedClientIds).size).toBe(storedClientIds.length)
      expect(acknowledgedBeforeCrash.size).toBeGreaterThan(0)
      for (const clientId of acknowledgedBeforeCrash) expect(storedClientIds).toContain(clientId)
      expect(storedClientIds).toContain(lostAnswer)
      expect(storedClientIds.length).toBe(customerCount * (beforeCrash + whileDown))

      // The stream dropped with the server, came back with the last cursor it saw, and got every message once.
      const storedIds = [...stored.values()].flat().map((message) => message.id)
      await vi.waitFor(() => expect(messageIdsIn(agentEvents).sort()).toEqual([...storedIds].sort()), {
        timeout: 20_000,
      })
      expect(resumedFrom.length).toBeGreaterThan(0)
      expect(Number(resumedFrom[0])).toBeGreaterThan(0)

      expect(Number(closedConsoleLastId)).toBeGreaterThan(0)
      const replayed: AgentEventEnvelope[] = []
      const closeReopened = agent.subscribe({
        lastEventId: closedConsoleLastId,
        onEvent: ({ data }) => replayed.push(data),
      })
      cleanups.push(closeReopened)
      await vi.waitFor(
        () => expect(messageIdsIn([...closedConsole, ...replayed]).sort()).toEqual([...storedIds].sort()),
        { timeout: 20_000 },
      )
      expect(messageIdsIn(replayed).length).toBeGreaterThanOrEqual(customerCount * whileDown)
    }, 60_000)
  })
}

describeCrash('a server crash on SQLite', async () => ({ env: {} }))

const postgres = findPostgresBinaries()
describe.skipIf(postgres === null && !process.env['CI'])('on Postgres', () => {
  let cluster: PostgresCluster | null = null
  afterEach(async () => {
    await cluster?.stop()
    cluster = null
  })
  // The cluster is the database's own process: it survives the server's kill.
  describeCrash('a server crash on Postgres', async () => {
    cluster = await startPostgres()
    return { env: { DATABASE_URL: await cluster.createDatabase() } }
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { createAgentClient } from '@threadline/api'
import { findPostgresBinaries, startPostgres } from '@threadline/server/testing'
import type { PostgresCluster } from '@threadline/server/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from '../adapters/http/create-http-adapter.js'
import { createChatClient } from './create-chat-client.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'

type DatabaseOptions = Parameters<typeof startServer>[0]['database']

/**
 * L1: a customer who writes faster than the server's per-customer bucket allows. The server answers
 * the excess with 429 and Retry-After; the outbox waits that long and sends again. Real client, real
 * http adapter, real server, no fakes between them.
 */
function describeFlood(
  title: string,
  database: () => Promise<{ options: DatabaseOptions; cleanup: () => Promise<void> }>,
) {
  describe(title, () => {
    let server: RunningServer | undefined
    let cleanup: (() => Promise<void>) | undefined

    beforeAll(async () => {
      const opened = await database()
      cleanup = opened.cleanup
      server = await startServer({
        port: 0,
        database: opened.options,
        mode: 'development',
        replyEmailSweepMs: 0,
        log: () => {},
        // Small numbers so the flood is over in seconds: three at once, then two a second.
        rateLimits: { message: { burst: 3, perMinute: 120 } },
      })
    }, 60_000)
    afterAll(async () => {
      await server?.close()
      await cleanup?.()
    })

    it('L1: a scripted flood is throttled with 429 and Retry-After, and every message arrives exactly once, in order', async () => {
      if (!server) throw new Error('The server did not start')
      const { workspaceId, agentKey } = await server.createWorkspace({ name: 'Flood', origins: [] })
      const answers: Array<{ status: number; retryAfter: string | null }> = []
      const countingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init)
        if (new Request(input, init).url.endsWith('/v1/conversation/messages') && init?.method === 'POST')
          answers.push({ status: response.status, retryAfter: response.headers.get('retry-after') })
        return response
      }
      const client = createChatClient({
        adapter: createHttpAdapter({ baseUrl: server.url, workspaceId, fetch: countingFetch }),
        storage: createMemoryStorage(),
        tabs: createSingleTabCoordinator(),
      })
      try {
        const email = `flood-${crypto.randomUUID()}@example.test`
        const started = await client.startEmailVerification(email)
        expect(started.ok).toBe(true)
        const code = server.devOutbox
          ?.messages()
          .find((mail) => mail.to === email)
          ?.text.match(/\b\d{6}\b/)?.[0]
        expect((await client.verifyEmail(code ?? '')).ok).toBe(true)

        const texts = Array.from({ length: 12 }, (_, index) => `message ${index + 1}`)
        for (const text of texts) expect((await client.sendMessage({ text })).ok).toBe(true)
        await vi.waitFor(
          () => {
            const messages = client.getState().messages
            expect(messages.filter((message) => message.delivery === 'sent')).toHaveLength(texts.length)
          },
          { timeout: 60_000, interval: 100 },
        )

        const refused = answers.filter((answer) => answer.status === 429)
        expect(refused.length).toBeGreaterThan(0)
        expect(refused.every((answer) => Number(answer.retryAfter) >= 1)).toBe(true)
        expect(client.getState().messages.some((message) => message.delivery === 'failed')).toBe(false)
        const agent = createAgentClient({ baseUrl: server.url, agentKey })
        const [listed] = await agent.listConversations()
        const stored = await agent.listMessages({ conversationId: listed?.conversation.id ?? '', limit: 100 })
        expect(stored.messages.map((message) => message.text)).toEqual(texts)
        expect(stored.messages.map((message) => message.seq)).toEqual(texts.map((_, index) => index + 1))
      } finally {
        client.destroy()
      }
    }, 90_000)
  })
}

describeFlood('a message flood against the real server on SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'threadline-flood-'))
  return {
    options: { kind: 'sqlite', file: join(directory, 'flood.sqlite') },
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  }
})

const postgres = findPostgresBinaries()
describe.skipIf(postgres === null && !process.env['CI'])('on Postgres', () => {
  let cluster: PostgresCluster | null = null
  describeFlood('a message flood against the real server on Postgres', async () => {
    cluster = await startPostgres()
    return {
      options: { kind: 'postgres', url: await cluster.createDatabase() },
      cleanup: () => cluster?.stop() ?? Promise.resolve(),
    }
  })
})

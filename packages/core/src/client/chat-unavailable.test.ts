import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAgentClient } from '@threadline/api'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHttpAdapter } from '../adapters/http/create-http-adapter.js'
import { createMemoryStorage } from '../storage/memory-storage.js'
import { createSingleTabCoordinator } from '../tabs/single-tab-coordinator.js'
import { createChatClient } from './create-chat-client.js'

/**
 * An open chat and a block placed while it is open, over the real http adapter and server. The
 * server's clock is moved by hand; the client waits in real time for what the server told it.
 */
describe('a chat open while the team blocks its customer', () => {
  let server: RunningServer | undefined
  let directory = ''
  let time = Date.now()

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'threadline-unavailable-'))
    server = await startServer({
      port: 0,
      database: { kind: 'sqlite', file: join(directory, 'chat.sqlite') },
      mode: 'development',
      replyEmailSweepMs: 0,
      log: () => {},
      now: () => time,
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    rmSync(directory, { recursive: true, force: true })
  })

  it('F1, F2: learns of the block from its stream, keeps messages as not delivered, and opens again when the block ends', async () => {
    if (!server) throw new Error('The server did not start')
    const { workspaceId, agentKey } = await server.createWorkspace({ name: 'Shop', origins: [] })
    const client = createChatClient({
      adapter: createHttpAdapter({ baseUrl: server.url, workspaceId }),
      storage: createMemoryStorage(),
      tabs: createSingleTabCoordinator(),
    })
    try {
      const email = `blocked-${crypto.randomUUID()}@example.test`
      expect((await client.startEmailVerification(email)).ok).toBe(true)
      const code = server.devOutbox
        ?.messages()
        .find((mail) => mail.to === email)
        ?.text.match(/\b\d{6}\b/)?.[0]
      expect((await client.verifyEmail(code ?? '')).ok).toBe(true)
      expect((await client.sendMessage({ text: 'Hello' })).ok).toBe(true)
      await vi.waitFor(() => expect(client.getState().connectionStatus).toBe('online'), { timeout: 10_000 })
      await vi.waitFor(() => expect(client.getState().messages.at(-1)?.delivery).toBe('sent'), { timeout: 10_000 })

      const agent = createAgentClient({ baseUrl: server.url, agentKey })
      const customerId = client.getState().identity.customer?.id ?? ''
      const response = await fetch(`${server.url}/v1/agent/blocks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, reason: 'Threats', durationSeconds: 60 }),
      })
      expect(response.status).toBe(200)
      // One second before the end, so the chat's re-check comes soon in real time.
      time += 59_000
      await vi.waitFor(() => expect(client.getState().chatUnavailable).toBe(true), { timeout: 15_000 })
      expect(client.getState().connectionStatus).toBe('offline')

      // The outbox takes the refusal as final: shown as not delivered, never retried on its own.
      expect((await client.sendMessage({ text: 'Let me in' })).ok).toBe(true)
      await vi.waitFor(() => expect(client.getState().messages.at(-1)?.delivery).toBe('failed'), { timeout: 10_000 })
      expect(client.getState().messages.at(-1)?.error?.code).toBe('blocked')
      expect(JSON.stringify(client.getState())).not.toContain('Threats')

      time += 1_000
      await vi.waitFor(() => expect(client.getState().chatUnavailable).toBe(false), { timeout: 15_000 })
      expect(client.getState().connectionStatus).toBe('online')
      const [listed] = await agent.listConversations()
      const stored = await agent.listMessages({ conversationId: listed?.conversation.id ?? '' })
      expect(stored.messages.map((message) => message.text)).toEqual(['Hello'])
    } finally {
      client.destroy()
    }
  }, 60_000)
})

import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { isApiError } from '@threadline/protocol'
import { agentRouteSchemas } from '@threadline/protocol/schemas'
import { describe, expect, it } from 'vitest'
import { createAgentClient } from './create-agent-client.js'
import { rejection, useRealServer } from './real-server.test-helpers.js'

const server = useRealServer()
const agentClient = (options: Partial<Parameters<typeof createAgentClient>[0]> = {}) =>
  createAgentClient({ baseUrl: server.current.url, agentKey: server.current.agentKey, ...options })

/** A customer who wrote once, and their conversation's id. */
async function openConversation(text = 'Where is my order?') {
  const customer = await server.current.customer({ email: `${randomUUID()}@example.test` })
  const message = await customer.send(text)
  return { customer, conversationId: message.conversationId }
}

describe('createAgentClient', () => {
  describe('when the key is valid', () => {
    it('reads the analytics of the last 24 hours, with the conversation it just opened', async () => {
      const { conversationId } = await openConversation()
      const analytics = await agentClient().analytics({ window: '24h', timezone: 'Europe/Madrid' })
      expect(agentRouteSchemas.analytics.response.parse(analytics)).toEqual(analytics)
      expect(analytics.window.timezone).toBe('Europe/Madrid')
      expect(analytics.counts.created.conversationIds).toContain(conversationId)
      expect(analytics.live.waiting.conversationIds).toContain(conversationId)
      await expect(agentClient().analytics({ hours: 'business' })).rejects.toMatchObject({ code: 'validation_failed' })
    })

    it('says which agent and workspace it is', async () => {
      const me = await agentClient().me()
      expect(agentRouteSchemas.me.response.parse(me)).toEqual(me)
      expect(me.workspaceId).toBe(server.current.workspaceId)
    })

    it('lists conversations with their customer, filtered by status, and reads one', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const unanswered = await client.listConversations({ status: 'unanswered', limit: 100 })
      const entry = unanswered.find((candidate) => candidate.conversation.id === conversationId)
      expect(agentRouteSchemas.listConversations.response.parse({ conversations: unanswered }).conversations).toEqual(
        unanswered,
      )
      expect(entry?.customer.emailVerified).toBe(true)
      expect(await client.listConversations({ status: 'finished' })).not.toContainEqual(entry)
      expect(await client.getConversation({ conversationId })).toEqual(entry)
    })

    it('reads the history by seq, oldest first, and the pages the customer viewed', async () => {
      const { customer, conversationId } = await openConversation('one')
      await customer.send('two')
      await customer.send('three')
      await customer.trackPageView('https://shop.example.test/pricing')
      const client = agentClient()
      const page = await client.listMessages({ conversationId, afterSeq: 1, limit: 1 })
      expect(page.messages.map((message) => message.text)).toEqual(['two'])
      expect(page.hasMore).toBe(true)
      expect((await client.listMessages({ conversationId })).messages.map((message) => message.text)).toEqual([
        'one',
        'two',
        'three',
      ])
      const views = await client.listPageViews({ conversationId })
      expect(views.map((view) => view.url)).toEqual(['https://shop.example.test/pricing'])
    })

    it('replies (once per client id), takes, marks read and finishes', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const clientId = randomUUID()
      const sent = await client.reply({ conversationId, text: 'On its way', clientId })
      expect(agentRouteSchemas.reply.response.parse(sent)).toEqual(sent)
      expect(sent.conversation.status).toBe('active')
      expect((await client.reply({ conversationId, text: 'On its way', clientId })).message.id).toBe(sent.message.id)

      await client.markRead({ conversationId, upToSeq: 1 })
      expect((await client.getConversation({ conversationId })).conversation.agentLastReadSeq).toBe(1)

      const other = createAgentClient({ baseUrl: server.current.url, agentKey: await server.current.otherAgentKey() })
      expect((await rejection(other.take({ conversationId }))).code).toBe('conversation_taken')
      const taken = await other.take({ conversationId, overtake: true })
      expect(taken.assignee?.name).toBe('Other advisor')

      expect((await client.finish({ conversationId })).status).toBe('finished')
    })

    it('writes first to a customer, into their conversation, once per client id', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const customerId = (await client.getConversation({ conversationId })).customer.id
      await client.finish({ conversationId })
      const clientId = randomUUID()
      const sent = await client.sendProactiveMessage({ customerId, text: 'One more thing', clientId })
      expect(agentRouteSchemas.sendProactiveMessage.response.parse(sent)).toEqual(sent)
      expect(sent).toMatchObject({ customerId, conversation: { id: conversationId, status: 'active' } })
      expect(sent.message).toMatchObject({ text: 'One more thing', author: { kind: 'agent', name: 'Olga' } })
      const retry = await client.sendProactiveMessage({ customerId, text: 'One more thing', clientId })
      expect(retry.message.id).toBe(sent.message.id)
    })

    it('tells the workspace the advisor is typing', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const types: string[] = []
      let live = false
      const close = client.subscribe({
        onEvent: ({ data }) => {
          if (data.conversationId === conversationId) types.push(data.event.type)
        },
        onStatus: ({ status }) => (live ||= status === 'live'),
      })
      try {
        await expect.poll(() => live).toBe(true)
        await client.setTyping({ conversationId, typing: true })
        await client.setTyping({ conversationId, typing: false })
        await expect.poll(() => types).toEqual(['typing.started', 'typing.stopped'])
      } finally {
        close()
      }
    })
  })

  describe('when the server refuses', () => {
    it('rejects with an ApiError carrying the code and status', async () => {
      const error = await rejection(agentClient({ agentKey: 'not-a-key' }).me())
      expect(isApiError(error)).toBe(true)
      expect(error).toMatchObject({ name: 'ApiError', code: 'unauthorized', status: 401 })
      expect(error.message).toContain(`GET ${server.current.url}/v1/agent/me`)
    })

    it('answers not_found for a conversation that does not exist', async () => {
      const error = await rejection(agentClient().getConversation({ conversationId: 'cnv_missing/../x' }))
      expect(error).toMatchObject({ code: 'not_found', status: 404 })
    })

    it('answers not_found for a customer to write first to that does not exist', async () => {
      const error = await rejection(agentClient().sendProactiveMessage({ customerId: 'cus_missing', text: 'Hi' }))
      expect(error).toMatchObject({ name: 'ApiError', code: 'not_found', status: 404 })
    })

    it('answers rate_limited with when to retry past the proactive messages per customer per day', async () => {
      const { conversationId } = await openConversation()
      const client = agentClient()
      const customerId = (await client.getConversation({ conversationId })).customer.id
      for (const text of ['One', 'Two', 'Three']) await client.sendProactiveMessage({ customerId, text })
      const error = await rejection(client.sendProactiveMessage({ customerId, text: 'Four' }))
      expect(error).toMatchObject({ name: 'ApiError', code: 'rate_limited', status: 429 })
      expect(error.retryAfterSeconds).toBeGreaterThan(86_400 - 60)
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(86_400)
    })

    it('answers validation_failed for a body the protocol refuses', async () => {
      const { conversationId } = await openConversation()
      const error = await rejection(agentClient().reply({ conversationId, text: '   ' }))
      expect(error).toMatchObject({ code: 'validation_failed', status: 400 })
    })
  })

  describe('when no usable answer comes', () => {
    it('rejects with a NetworkError when nothing listens', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as AddressInfo
          probe.close(() => resolve(port))
        })
      })
      const error = await rejection(agentClient({ baseUrl: `http://127.0.0.1:${closedPort}` }).me())
      expect(error).toMatchObject({ name: 'NetworkError', code: 'network_error' })
      expect(error.cause).toBeDefined()
    })

    it('rejects with a TimeoutError when the answer takes longer than timeoutMs', async () => {
      const never = (_input: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        )
      const error = await rejection(agentClient({ fetch: never, timeoutMs: 20 }).me())
      expect(error).toMatchObject({ name: 'TimeoutError', code: 'timeout' })
    })

    it('rejects with a ResponseValidationError when the answer is not JSON', async () => {
      const proxyPage = async () => new Response('<html>maintenance</html>', { status: 200 })
      const error = await rejection(agentClient({ fetch: proxyPage }).me())
      expect(error).toMatchObject({ name: 'ResponseValidationError', code: 'invalid_response' })
    })

    it('derives the code from the status when a proxy answers without an error body', async () => {
      const gateway = async () => new Response('Bad gateway', { status: 502, headers: { 'retry-after': '7' } })
      const error = await rejection(agentClient({ fetch: gateway }).me())
      expect(error).toMatchObject({ name: 'ApiError', code: 'unavailable', status: 502, retryAfterSeconds: 7 })
    })
  })

  describe('when the caller aborts', () => {
    it('sends nothing when the signal is already aborted', async () => {
      const sent: string[] = []
      const recording = (input: string, init: RequestInit) => {
        sent.push(input)
        return fetch(input, init)
      }
      const error = await rejection(agentClient({ fetch: recording }).me({ signal: AbortSignal.abort() }))
      expect(error.code).toBe('aborted')
      expect(sent).toEqual([])
    })

    it('rejects with code aborted when the signal fires during the call', async () => {
      const controller = new AbortController()
      const stalled = (_input: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new Error('reset'))),
        )
      const call = agentClient({ fetch: stalled }).listConversations({ signal: controller.signal })
      controller.abort(new Error('the advisor left'))
      const error = await rejection(call)
      expect(error).toMatchObject({ code: 'aborted' })
      expect(error.cause).toEqual(new Error('the advisor left'))
    })
  })
})

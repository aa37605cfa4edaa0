import { conversationSchema, messageSchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

interface AgentEnvelope {
  conversationId: string
  customerId: string
  event: { type: string; author?: string; preview?: string | null }
}

describe('the agent API', () => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer()
  })
  afterAll(async () => {
    await test.close()
  })

  async function conversationWithMessage(text = 'Question') {
    const grant = await test.verify()
    const { conversation } = (await test.send(grant.session.token, text)).body
    return { grant, conversationId: conversation.id }
  }

  describe('when the key is wrong', () => {
    it('refuses a missing or unknown agent key, and a session token, with unauthorized', async () => {
      const { grant } = await conversationWithMessage()
      for (const token of [undefined, 'ak_unknown', grant.session.token]) {
        const refused = await test.call('GET', '/v1/agent/conversations', {
          noWorkspace: true,
          ...(token === undefined ? {} : { token }),
        })
        expect(refused.status).toBe(401)
        expect(refused.body.error.code).toBe('unauthorized')
      }
    })

    it("X1: answers not_found for another workspace's conversation, on every route", async () => {
      const { conversationId } = await conversationWithMessage()
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const asOther = (method: string, path: string, body?: unknown) =>
        test.call(method, path, { token: other.agentKey, noWorkspace: true, ...(body === undefined ? {} : { body }) })
      const attempts = [
        asOther('GET', `/v1/agent/conversations/${conversationId}`),
        asOther('GET', `/v1/agent/conversations/${conversationId}/messages`),
        asOther('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'hijack' }),
        asOther('POST', `/v1/agent/conversations/${conversationId}/take`, {}),
        asOther('POST', `/v1/agent/conversations/${conversationId}/finish`, {}),
        asOther('POST', `/v1/agent/conversations/${conversationId}/read`, {}),
        asOther('POST', `/v1/agent/conversations/${conversationId}/typing`, { typing: true }),
      ]
      for (const answer of await Promise.all(attempts)) {
        expect(answer.status).toBe(404)
        expect(answer.body.error.code).toBe('not_found')
      }
      expect((await asOther('GET', '/v1/agent/conversations')).body.conversations).toEqual([])
      expect(
        (await test.agent('GET', `/v1/agent/conversations/${conversationId}/messages`)).body.messages,
      ).toHaveLength(1)
    })
  })

  describe('when an advisor works a conversation', () => {
    it('lists conversations by status, newest first, with their customers', async () => {
      const older = await conversationWithMessage('older')
      const newer = await conversationWithMessage('newer')
      await test.agent('POST', `/v1/agent/conversations/${older.conversationId}/messages`, { text: 'reply' })
      const unanswered = (await test.agent('GET', '/v1/agent/conversations?status=unanswered')).body.conversations
      expect(unanswered.map((entry: { conversation: { id: string } }) => entry.conversation.id)).toContain(
        newer.conversationId,
      )
      expect(unanswered.map((entry: { conversation: { id: string } }) => entry.conversation.id)).not.toContain(
        older.conversationId,
      )
      const active = (await test.agent('GET', '/v1/agent/conversations?status=active')).body.conversations
      expect(active[0]).toMatchObject({
        conversation: { id: older.conversationId, status: 'active' },
        customer: { id: older.grant.customer.id, emailVerified: true },
      })
      expect(conversationSchema.safeParse(active[0]?.conversation).success).toBe(true)
      expect((await test.agent('GET', '/v1/agent/conversations?status=bogus')).status).toBe(400)
    })

    it('replies, which assigns the conversation to the advisor and makes it active', async () => {
      const { conversationId } = await conversationWithMessage()
      const answer = await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, {
        text: 'Hello from us',
      })
      expect(answer.status).toBe(200)
      expect(messageSchema.safeParse(answer.body.message).success).toBe(true)
      expect(answer.body.message).toMatchObject({
        seq: 2,
        author: { kind: 'agent', name: 'Advisor' },
        text: 'Hello from us',
      })
      expect(answer.body.conversation).toMatchObject({ status: 'active', assignee: { name: 'Advisor' } })
      expect(
        (await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: '  ' })).body.error
          .code,
      ).toBe('validation_failed')
    })

    it('takes a conversation, and needs overtake to take one another advisor holds', async () => {
      const { conversationId } = await conversationWithMessage()
      const taken = await test.agent('POST', `/v1/agent/conversations/${conversationId}/take`)
      expect(taken.body.conversation).toMatchObject({ status: 'active', assignee: { name: 'Advisor' } })
      const colleague = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Colleague' })
      const asColleague = (body: unknown) =>
        test.call('POST', `/v1/agent/conversations/${conversationId}/take`, {
          token: colleague.agentKey,
          noWorkspace: true,
          body,
        })
      const refused = await asColleague({})
      expect(refused.status).toBe(409)
      expect(refused.body.error.code).toBe('conversation_taken')
      expect((await asColleague({ overtake: true })).body.conversation.assignee).toMatchObject({
        id: colleague.agent.id,
        name: 'Colleague',
      })
    })

    it('finishes a conversation', async () => {
      const { conversationId } = await conversationWithMessage()
      expect(
        (await test.agent('POST', `/v1/agent/conversations/${conversationId}/finish`)).body.conversation.status,
      ).toBe('finished')
      expect(
        (await test.agent('GET', '/v1/agent/conversations?status=finished')).body.conversations.map(
          (entry: { conversation: { id: string } }) => entry.conversation.id,
        ),
      ).toContain(conversationId)
    })
  })

  describe('when the advisor watches the workspace stream', () => {
    it("receives every conversation's events, including the customer's typing preview", async () => {
      const stream = await openTestEventStream<AgentEnvelope>(`${test.url}/v1/agent/events`, {
        authorization: `Bearer ${test.workspace.agentKey}`,
      })
      try {
        const { grant, conversationId } = await conversationWithMessage('watched')
        await test.call('POST', '/v1/conversation/typing', { token: grant.session.token, body: { draft: 'I am typ' } })
        const typing = await stream.waitFor((event) => event.data.event.type === 'typing.started')
        expect(typing.data).toMatchObject({
          conversationId,
          customerId: grant.customer.id,
          event: { author: 'customer', preview: 'I am typ' },
        })
        await test.call('POST', '/v1/conversation/typing', { token: grant.session.token, body: { draft: '' } })
        await stream.waitFor(
          (event) => event.data.event.type === 'typing.stopped' && event.data.event.author === 'customer',
        )
        expect(
          stream.events.some(
            (event) => event.data.event.type === 'message.created' && event.data.conversationId === conversationId,
          ),
        ).toBe(true)
      } finally {
        stream.close()
      }
    })

    it("does not see another workspace's events", async () => {
      const other = await test.server.createWorkspace({ name: 'Other', origins: [] })
      const stream = await openTestEventStream<AgentEnvelope>(`${test.url}/v1/agent/events`, {
        authorization: `Bearer ${other.agentKey}`,
      })
      try {
        const { conversationId } = await conversationWithMessage('private')
        await test.agent('POST', `/v1/agent/conversations/${conversationId}/messages`, { text: 'reply' })
        await new Promise((resolve) => setTimeout(resolve, 100))
        expect(stream.events).toEqual([])
      } finally {
        stream.close()
      }
    })
  })
})

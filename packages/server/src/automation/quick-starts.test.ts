import type { AgentConversation, Availability, IntakeSettings, VisitorEvent } from '@threadline/protocol'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { createAdminKey } from '../testing/admin-key.test-helpers.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { openTestEventStream } from '../testing/sse-client.test-helpers.js'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

const quickStarts = [
  {
    id: 'order',
    label: { en: 'Where is my order?', es: '¿Dónde está mi pedido?' },
    message: { en: 'Hello, where is my order?', es: 'Hola, ¿dónde está mi pedido?' },
  },
  { id: 'returns', label: { en: 'Returns' }, message: { en: 'I would like to return something.' } },
]

/**
 * Quick starts (docs/automation.md), through the real APIs: admins set them beside the intake steps,
 * the chat learns them in the customer's language before the first message, and the message sent
 * with one records it on the conversation; anything else is refused and stores nothing.
 */
describeEachDatabase('quick starts', (freshDatabase) => {
  let test: TestServer
  let adminKey: string

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase() })
    adminKey = await createAdminKey(test)
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })
  beforeEach(async () => {
    await setIntake({ steps: [], quickStarts })
  })

  function as(token: string, method: string, path: string, body?: unknown): Promise<CallResult> {
    return test.call(method, path, { token, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  }
  async function setIntake(settings: unknown) {
    const set = await as(adminKey, 'PUT', '/v1/agent/intake', settings)
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    return set.body as unknown as Required<IntakeSettings>
  }
  const send = (token: string, body: Record<string, unknown>, language = 'en') =>
    test.call('POST', '/v1/conversation/messages', {
      token,
      body: { clientId: crypto.randomUUID(), ...body },
      headers: { 'accept-language': language },
    })
  async function viewOf(conversationId: string): Promise<AgentConversation> {
    return (await test.agent('GET', `/v1/agent/conversations/${conversationId}`)).body as unknown as AgentConversation
  }

  it('H4: only owners and admins set them; they sit beside the steps, and a body without them keeps them', async () => {
    const advisor = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ana' })
    const refused = await as(advisor.agentKey, 'PUT', '/v1/agent/intake', { steps: [], quickStarts: [] })
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden'])
    const read = (await as(advisor.agentKey, 'GET', '/v1/agent/intake')).body as unknown as IntakeSettings
    expect(read).toEqual({ steps: [], quickStarts })
    expect((await setIntake({ steps: [] })).quickStarts).toEqual(quickStarts)
    expect((await setIntake({ steps: [], quickStarts: [] })).quickStarts).toEqual([])
  })

  it('refuses malformed quick starts with validation_failed and keeps the stored ones', async () => {
    const one = quickStarts[1]
    for (const bad of [
      [one, { ...one, id: 'b' }, { ...one, id: 'c' }, { ...one, id: 'd' }, { ...one, id: 'e' }],
      [one, one],
      [{ ...one, id: 'Bad id' }],
      [{ ...one, label: { es: 'Sin inglés' } }],
      [{ ...one, label: { en: 'x'.repeat(41) } }],
      [{ ...one, message: { en: 'x'.repeat(501) } }],
      [{ ...one, message: { en: '' } }],
    ]) {
      const refused = await as(adminKey, 'PUT', '/v1/agent/intake', { steps: [], quickStarts: bad })
      expect(refused.status, JSON.stringify(bad)).toBe(400)
      expect(refused.body.error.code).toBe('validation_failed')
    }
    const stored = (await as(adminKey, 'GET', '/v1/agent/intake')).body as unknown as IntakeSettings
    expect(stored.quickStarts).toEqual(quickStarts)
  })

  it('tells the chat its quick starts in the customer’s language, English otherwise, before the first message', async () => {
    const availability = async (language: string) =>
      (await test.call('GET', '/v1/availability', { headers: { 'accept-language': language } }))
        .body as unknown as Availability
    expect((await availability('es-MX')).quickStarts).toEqual([
      { id: 'order', label: '¿Dónde está mi pedido?', message: 'Hola, ¿dónde está mi pedido?' },
      { id: 'returns', label: 'Returns', message: 'I would like to return something.' },
    ])
    expect((await availability('fr')).quickStarts?.map((quickStart) => quickStart.label)).toEqual([
      'Where is my order?',
      'Returns',
    ])

    // The stream tells a customer without a conversation as it opens; one with a conversation is not offered any.
    const { session } = await test.verify()
    const opened = async () => {
      const stream = await openTestEventStream<VisitorEvent>(`${test.url}/v1/events`, {
        authorization: `Bearer ${session.token}`,
        'accept-language': 'es',
      })
      try {
        const event = await stream.waitFor((received) => received.data.type === 'workspace.availability')
        return event.data.type === 'workspace.availability' ? event.data.availability : null
      } finally {
        stream.close()
      }
    }
    expect((await opened())?.quickStarts?.map((quickStart) => quickStart.label)).toEqual([
      '¿Dónde está mi pedido?',
      'Returns',
    ])
    expect((await send(session.token, { text: 'Hi' })).status).toBe(200)
    expect((await opened())?.quickStarts).toBeUndefined()
  })

  it('records the quick start that opened the session, for advisors and in the handoff after intake', async () => {
    await setIntake({
      steps: [{ id: 'note', kind: 'text', prompt: { en: 'Anything else?' } }],
      quickStarts,
    })
    const { session } = await test.verify()
    const clientId = crypto.randomUUID()
    const first = await send(session.token, { clientId, text: 'Hola, ¿dónde está mi pedido?', quickStart: 'order' })
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    // The outbox retries with the same body: the same ack, never a refusal.
    const retried = await send(session.token, { clientId, text: 'Hola, ¿dónde está mi pedido?', quickStart: 'order' })
    expect([retried.status, retried.body.message.id]).toEqual([200, first.body.message.id])
    const conversationId = first.body.conversation.id
    expect((await viewOf(conversationId)).quickStart).toBe('order')

    expect((await send(session.token, { text: 'Nothing else' })).status).toBe(200)
    const view = await viewOf(conversationId)
    expect(view.handoff).toMatchObject({ reason: 'intake', fields: { quick_start: 'order', note: 'Nothing else' } })
    expect(view.quickStart).toBe('order')

    // A new session says how it began: typed, so none.
    expect((await test.agent('POST', `/v1/agent/conversations/${conversationId}/finish`)).status).toBe(200)
    expect((await send(session.token, { text: 'Back again' })).status).toBe(200)
    expect((await viewOf(conversationId)).quickStart).toBeNull()
  })

  it('refuses an unknown quick start, or one on a later message, with validation_failed, storing nothing', async () => {
    const { session } = await test.verify()
    const messages = async () => (await test.call('GET', '/v1/conversation/messages', { token: session.token })).body
    for (const quickStart of ['unknown', 'Bad id', '']) {
      const refused = await send(session.token, { text: 'Hello', quickStart })
      expect([refused.status, refused.body.error.code]).toEqual([400, 'validation_failed'])
    }
    expect((await test.call('GET', '/v1/conversation', { token: session.token })).body.conversation).toBeNull()

    const first = await send(session.token, { text: 'I would like to return something.', quickStart: 'returns' })
    expect(first.status).toBe(200)
    const again = await send(session.token, { text: 'Hello, where is my order?', quickStart: 'order' })
    expect([again.status, again.body.error.code]).toEqual([400, 'validation_failed'])
    expect((await messages()).messages.map((message: { text: string }) => message.text)).toEqual([
      'I would like to return something.',
    ])
    expect((await viewOf(first.body.conversation.id)).quickStart).toBe('returns')
  })
})

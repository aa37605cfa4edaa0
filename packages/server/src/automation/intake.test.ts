import type { AgentConversation, AnalyticsResponse, CreatedApiKey, Message, TimelineEvent } from '@threadline/protocol'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { createAdminKey } from '../testing/admin-key.test-helpers.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

const second = 1_000
const minute = 60 * second
const day = 24 * 60 * minute

const steps = [
  {
    id: 'occasion',
    kind: 'choice',
    prompt: { en: 'What is the occasion?', es: '¿Cuál es la ocasión?' },
    options: [
      { en: 'Everyday', es: 'Diario' },
      { en: 'Wedding', es: 'Boda' },
    ],
  },
  { id: 'email', kind: 'email', prompt: { en: 'Where can we email you?', es: '¿A qué correo te escribimos?' } },
  { id: 'news', kind: 'consent', prompt: { en: 'May we send you our news?', es: '¿Te enviamos novedades?' } },
]

/**
 * The intake steps (docs/automation.md), through the real APIs: the server asks them itself, in the
 * customer's language, with the options as quick replies; a wrong answer is asked again; known
 * answers are not; the last answer hands over with the answers as fields; "Talk to a person", an
 * advisor's take and the idle deadline end it at any step.
 */
describeEachDatabase('intake steps', (freshDatabase) => {
  const clock = createManualClock(Date.UTC(2026, 6, 1))
  let test: TestServer
  let adminKey: string

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase(), now: clock.now })
    adminKey = await createAdminKey(test)
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })
  beforeEach(async () => {
    await setIntake(steps)
    await as(adminKey, 'PUT', '/v1/agent/automation', {
      botKeyId: null,
      replyDeadlineSeconds: 15,
      idleDeadlineSeconds: 1_800,
    })
  })

  function as(token: string, method: string, path: string, body?: unknown): Promise<CallResult> {
    return test.call(method, path, { token, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  }
  async function setIntake(value: unknown) {
    const set = await as(adminKey, 'PUT', '/v1/agent/intake', { steps: value })
    expect(set.status, JSON.stringify(set.body)).toBe(200)
  }
  const path = (id: string, rest = '') => `/v1/agent/conversations/${id}${rest}`

  /** A verified customer (their email is known) who writes in `language`. */
  async function customer(language = 'en') {
    const grant = await test.verify()
    const token = grant.session.token
    const send = async (text: string) => {
      const sent = await test.call('POST', '/v1/conversation/messages', {
        token,
        body: { clientId: crypto.randomUUID(), text },
        headers: { 'accept-language': language },
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      return sent.body.conversation.id
    }
    const messages = async (): Promise<Message[]> =>
      (await test.call('GET', '/v1/conversation/messages', { token })).body.messages
    return { token, email: grant.customer.email ?? '', send, messages, last: async () => (await messages()).at(-1) }
  }

  async function viewOf(conversationId: string): Promise<AgentConversation> {
    return (await test.agent('GET', path(conversationId))).body as unknown as AgentConversation
  }
  async function kinds(conversationId: string): Promise<string[]> {
    const page = (await test.agent('GET', path(conversationId, '/timeline'))).body as unknown as {
      events: TimelineEvent[]
    }
    return page.events.map((event) => event.kind)
  }

  it('asks each step the customer has not answered, with the options as quick replies, and hands over with the answers', async () => {
    const ana = await customer()
    const conversationId = await ana.send('I need an outfit')
    // The verified email is known: the email step is never asked.
    expect(await ana.last()).toMatchObject({
      author: { kind: 'bot', name: 'Test Shop' },
      text: 'What is the occasion?',
      quickReplies: ['Everyday', 'Wedding'],
    })
    expect((await test.call('GET', '/v1/conversation', { token: ana.token })).body.conversation.controller).toBe('bot')

    await ana.send('A party')
    expect(await ana.last()).toMatchObject({
      text: 'Please choose one of the options.\n\nWhat is the occasion?',
      quickReplies: ['Everyday', 'Wedding'],
    })
    await ana.send('wedding')
    expect(await ana.last()).toMatchObject({ text: 'May we send you our news?', quickReplies: ['Yes', 'No'] })
    await ana.send('Yes')

    const view = await viewOf(conversationId)
    expect(view.conversation).toMatchObject({ controller: 'advisors', status: 'unanswered' })
    expect(view.handoff).toMatchObject({
      reason: 'intake',
      fields: { occasion: 'Wedding', email: ana.email, news: 'yes' },
    })
    expect(await kinds(conversationId)).toEqual([
      'message',
      'bot_control',
      ...Array<string>(6).fill('message'),
      'handoff',
    ])
    // Advisors answer from here.
    expect((await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, Grace here' })).status).toBe(200)
  })

  it("asks in the customer's language and keeps the answer in English", async () => {
    const sara = await customer('es-ES,es;q=0.9')
    const conversationId = await sara.send('Hola')
    expect(await sara.last()).toMatchObject({ text: '¿Cuál es la ocasión?', quickReplies: ['Diario', 'Boda'] })
    await sara.send('Boda')
    expect(await sara.last()).toMatchObject({ text: '¿Te enviamos novedades?', quickReplies: ['Sí', 'No'] })
    await sara.send('No')
    expect((await viewOf(conversationId)).handoff?.fields).toMatchObject({ occasion: 'Wedding', news: 'no' })
  })

  it('never asks again what a customer answered in an earlier session', async () => {
    const ana = await customer()
    const conversationId = await ana.send('Hello')
    await ana.send('Everyday')
    await ana.send('No')
    await test.agent('POST', path(conversationId, '/take'), {})
    await test.agent('POST', path(conversationId, '/finish'))

    await ana.send('Me again')
    expect((await viewOf(conversationId)).conversation.controller).toBe('advisors')
    expect((await ana.last())?.author.kind).toBe('customer')
  })

  it('"Talk to a person" ends intake at each step, handing over what was answered so far', async () => {
    for (const answered of [0, 1]) {
      const ana = await customer()
      const conversationId = await ana.send('Hello')
      if (answered === 1) await ana.send('Everyday')
      const asked = await test.call('POST', '/v1/conversation/handoff', { token: ana.token })
      expect(asked.body.conversation.controller).toBe('advisors')
      const view = await viewOf(conversationId)
      expect(view.handoff?.reason).toBe('customer')
      expect(view.handoff?.fields).toEqual(
        answered === 1 ? { email: ana.email, occasion: 'Everyday' } : { email: ana.email },
      )
      // The next message is for the advisors, not an answer.
      await ana.send('Everyday')
      expect((await ana.last())?.author.kind).toBe('customer')
    }
  })

  it('W7 during intake: an advisor replying gets not_controller; taking it ends intake', async () => {
    const ana = await customer()
    const conversationId = await ana.send('Hello')
    const reply = await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi' })
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('not_controller')
    expect((await test.agent('POST', path(conversationId, '/take'), {})).status).toBe(200)
    expect((await viewOf(conversationId)).handoff?.reason).toBe('advisor')
  })

  it('W8 during intake: only the idle deadline hands it over; it has no key to lose', async () => {
    const ana = await customer()
    const conversationId = await ana.send('Hello')
    clock.advance(29 * minute)
    expect((await test.server.runBotDeadlines()).handedOver).toBe(0)
    clock.advance(2 * minute)
    await test.server.runBotDeadlines()
    expect((await viewOf(conversationId)).handoff?.reason).toBe('idle_deadline')
  })

  it("then the workspace's bot takes over, when it has one", async () => {
    const made = await test.call('POST', '/v1/admin/keys', {
      token: test.workspace.secret,
      body: { name: 'Stylist bot', scope: 'bot' },
    })
    const bot = made.body as unknown as CreatedApiKey
    await as(adminKey, 'PUT', '/v1/agent/automation', {
      botKeyId: bot.key.id,
      replyDeadlineSeconds: 15,
      idleDeadlineSeconds: 1_800,
    })
    const ana = await customer()
    const conversationId = await ana.send('Hello')
    await ana.send('Wedding')
    await ana.send('Yes')
    expect((await viewOf(conversationId)).bot).toEqual({ id: bot.key.id, name: 'Stylist bot' })
    expect((await kinds(conversationId)).slice(-2)).toEqual(['handoff', 'bot_control'])
  })

  it('analytics: the first response is timed from the end of intake', async () => {
    clock.advance(day - (clock.now() % day))
    const start = clock.now()
    const ana = await customer()
    const conversationId = await ana.send('Hello')
    clock.advance(20 * second)
    await ana.send('Wedding')
    clock.advance(20 * second)
    await ana.send('Yes')
    clock.advance(30 * second)
    await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, Grace here' })
    const query = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(start + day).toISOString() })
    const { metrics } = (await test.agent('GET', `/v1/agent/analytics?${query.toString()}`))
      .body as unknown as AnalyticsResponse
    expect([metrics.firstResponseTime.n, metrics.firstResponseTime.p50]).toEqual([1, 30 * second])
  })

  it('H4: only owners and admins set the steps, and a malformed step is refused with validation_failed', async () => {
    const advisor = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ana' })
    expect((await as(advisor.agentKey, 'PUT', '/v1/agent/intake', { steps: [] })).status).toBe(403)
    const read = (await as(advisor.agentKey, 'GET', '/v1/agent/intake')).body as unknown as { steps: { id: string }[] }
    expect(read.steps.map((step) => step.id)).toEqual(['occasion', 'email', 'news'])
    for (const bad of [
      [{ ...steps[0], options: [{ en: 'Only one' }] }],
      [{ id: 'note', kind: 'text', prompt: { en: 'Anything else?' }, options: [{ en: 'a' }, { en: 'b' }] }],
      [steps[1], steps[1]],
      [{ id: 'Bad id', kind: 'text', prompt: { en: 'x' } }],
      [{ id: 'note', kind: 'text', prompt: { es: 'Sin inglés' } }],
    ]) {
      const refused = await as(adminKey, 'PUT', '/v1/agent/intake', { steps: bad })
      expect(refused.status, JSON.stringify(bad)).toBe(400)
      expect(refused.body.error.code).toBe('validation_failed')
    }
  })
})

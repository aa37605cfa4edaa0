import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { workspaceHeader } from '@threadline/protocol'
import type {
  AgentConversation,
  AnalyticsResponse,
  CreatedApiKey,
  TimelineEvent,
  WebhookPayload,
} from '@threadline/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { CallResult, TestServer } from '../testing/test-server.test-helpers.js'

const second = 1_000
const minute = 60 * second
const day = 24 * 60 * minute

/**
 * Bots with a controller (docs/automation.md), through the real APIs on an injected clock: the
 * workspace's bot takes each new session, only the controller replies (W7), and the bot hands over
 * by itself, at the customer's word, when an advisor takes the chat, or when a deadline passes (W8).
 */
describeEachDatabase('bots with a controller', (freshDatabase) => {
  const clock = createManualClock(Date.UTC(2026, 5, 1))
  let test: TestServer
  let adminKey: string
  let bot: { id: string; key: string }
  let otherBot: { id: string; key: string }

  beforeAll(async () => {
    test = await startTestServer({
      database: await freshDatabase(),
      now: clock.now,
      webhookAllowedHosts: ['127.0.0.1'],
    })
    adminKey = (await createKey('Setup', 'admin')).secret
    const made = await createKey('Stylist bot', 'bot')
    bot = { id: made.key.id, key: made.secret }
    const other = await createKey('Survey bot', 'bot')
    otherBot = { id: other.key.id, key: other.secret }
    const set = await as(adminKey, 'PUT', '/v1/agent/automation', automation(bot.id))
    expect(set.status, JSON.stringify(set.body)).toBe(200)
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  async function createKey(name: string, scope: 'admin' | 'bot'): Promise<CreatedApiKey> {
    const created = await test.call('POST', '/v1/admin/keys', { token: test.workspace.secret, body: { name, scope } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    return created.body as unknown as CreatedApiKey
  }

  const automation = (botKeyId: string | null) => ({ botKeyId, replyDeadlineSeconds: 15, idleDeadlineSeconds: 1_800 })

  function as(token: string, method: string, path: string, body?: unknown): Promise<CallResult> {
    return test.call(method, path, { token, noWorkspace: true, ...(body === undefined ? {} : { body }) })
  }

  const path = (id: string, rest = '') => `/v1/agent/conversations/${id}${rest}`

  /** A customer who just opened a session; the bot holds it. */
  async function customerWithBot(text = 'I need an outfit for a wedding') {
    const { session } = await test.verify()
    const sent = await test.send(session.token, text)
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    return { token: session.token, conversationId: sent.body.conversation.id }
  }

  async function viewOf(conversationId: string): Promise<AgentConversation> {
    const found = await test.agent('GET', path(conversationId))
    expect(found.status).toBe(200)
    return found.body as unknown as AgentConversation
  }

  async function timelineOf(conversationId: string): Promise<TimelineEvent[]> {
    const page = await test.agent('GET', path(conversationId, '/timeline'))
    return (page.body as unknown as { events: TimelineEvent[] }).events
  }

  async function messageCount(conversationId: string): Promise<number> {
    const page = await test.agent('GET', path(conversationId, '/messages'))
    return page.body.messages.length
  }

  it("a new session goes to the workspace's bot, whose replies are the bot's and read as automated", async () => {
    const { token, conversationId } = await customerWithBot()
    expect((await viewOf(conversationId)).bot).toEqual({ id: bot.id, name: 'Stylist bot' })
    expect((await timelineOf(conversationId)).map((event) => event.kind)).toEqual(['message', 'bot_control'])

    const reply = await as(bot.key, 'POST', path(conversationId, '/messages'), { text: 'Which colours do you like?' })
    expect(reply.status, JSON.stringify(reply.body)).toBe(200)
    expect(reply.body.message.author).toEqual({ kind: 'bot', id: bot.id, name: 'Stylist bot', avatarUrl: null })
    // A bot's reply neither assigns the conversation nor makes it active: the advisors still owe a person.
    expect(reply.body.conversation).toMatchObject({ status: 'unanswered', assignee: null, controller: 'bot' })

    const seen = await test.call('GET', '/v1/conversation/messages', { token })
    expect(seen.body.messages.at(-1)?.author.kind).toBe('bot')
    expect((await test.call('GET', '/v1/conversation', { token })).body.conversation.controller).toBe('bot')
  })

  it('W7: an advisor or another bot replying while the bot holds the conversation gets 409 not_controller, and nothing is stored', async () => {
    const { conversationId } = await customerWithBot()
    const before = await messageCount(conversationId)

    const advisor = await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, Ana here' })
    expect(advisor.status).toBe(409)
    expect(advisor.body.error.code).toBe('not_controller')
    const other = await as(otherBot.key, 'POST', path(conversationId, '/messages'), { text: 'Rate us!' })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('not_controller')
    const otherHandoff = await as(otherBot.key, 'POST', path(conversationId, '/handoff'), {})
    expect(otherHandoff.body.error.code).toBe('not_controller')

    expect(await messageCount(conversationId)).toBe(before)
    expect((await timelineOf(conversationId)).map((event) => event.kind)).toEqual(['message', 'bot_control'])
  })

  it('the bot hands over with a summary and fields; afterwards only advisors reply', async () => {
    const { token, conversationId } = await customerWithBot()
    const summary = 'Wedding in June, likes blue, budget about 300'
    const handoff = await as(bot.key, 'POST', path(conversationId, '/handoff'), {
      summary,
      fields: { occasion: 'wedding', colour: 'blue' },
    })
    expect(handoff.status, JSON.stringify(handoff.body)).toBe(200)
    expect(handoff.body.conversation).toMatchObject({ controller: 'advisors', status: 'unanswered' })

    const view = await viewOf(conversationId)
    expect(view.bot).toBeNull()
    expect(view.handoff).toMatchObject({ reason: 'bot', summary, fields: { occasion: 'wedding', colour: 'blue' } })
    const last = (await timelineOf(conversationId)).at(-1)
    expect(last).toMatchObject({ kind: 'handoff', actor: { kind: 'bot', id: bot.id }, payload: { reason: 'bot' } })

    const late = await as(bot.key, 'POST', path(conversationId, '/messages'), { text: 'One more question' })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('not_controller')
    const advisor = await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, I can help' })
    expect(advisor.status).toBe(200)
    expect((await test.call('GET', '/v1/conversation', { token })).body.conversation.controller).toBe('advisors')
  })

  it('an advisor cannot hand over for the bot, and a handoff body past the limits is refused before anything changes', async () => {
    const { conversationId } = await customerWithBot()
    const advisor = await test.agent('POST', path(conversationId, '/handoff'), {})
    expect(advisor.status).toBe(409)
    expect(advisor.body.error.code).toBe('not_controller')
    const tooLong = await as(bot.key, 'POST', path(conversationId, '/handoff'), { summary: 'x'.repeat(2_001) })
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.error.code).toBe('validation_failed')
    expect((await viewOf(conversationId)).bot?.id).toBe(bot.id)
  })

  it('"Talk to a person" hands over at once; tapping it again changes nothing', async () => {
    const { token, conversationId } = await customerWithBot()
    const asked = await test.call('POST', '/v1/conversation/handoff', { token })
    expect(asked.status, JSON.stringify(asked.body)).toBe(200)
    expect(asked.body.conversation.controller).toBe('advisors')
    expect((await test.call('POST', '/v1/conversation/handoff', { token })).status).toBe(200)

    const handoffs = (await timelineOf(conversationId)).filter((event) => event.kind === 'handoff')
    expect(handoffs).toHaveLength(1)
    expect(handoffs[0]).toMatchObject({ actor: { kind: 'customer' }, payload: { reason: 'customer' } })
  })

  it('an advisor takes the conversation from the bot: a handoff, then their take', async () => {
    const { conversationId } = await customerWithBot()
    const taken = await test.agent('POST', path(conversationId, '/take'), {})
    expect(taken.status, JSON.stringify(taken.body)).toBe(200)
    expect(taken.body.conversation).toMatchObject({ controller: 'advisors', status: 'active' })
    const kinds = (await timelineOf(conversationId)).map((event) => event.kind)
    expect(kinds.slice(-2)).toEqual(['handoff', 'take'])
    expect((await viewOf(conversationId)).handoff?.reason).toBe('advisor')
  })

  it('W8: a bot that misses its reply deadline is handed over for, and not a moment before', async () => {
    const { conversationId } = await customerWithBot()
    clock.advance(14 * second)
    await test.server.runBotDeadlines()
    expect((await viewOf(conversationId)).bot?.id).toBe(bot.id)

    clock.advance(2 * second)
    await test.server.runBotDeadlines()
    const view = await viewOf(conversationId)
    expect(view.bot).toBeNull()
    expect(view.handoff?.reason).toBe('reply_deadline')
    expect((await timelineOf(conversationId)).at(-1)).toMatchObject({ kind: 'handoff', actor: { kind: 'system' } })
    // A second run finds nothing more to do.
    await test.server.runBotDeadlines()
    expect((await timelineOf(conversationId)).filter((event) => event.kind === 'handoff')).toHaveLength(1)
  })

  it('W8: a bot that answered but then goes quiet is handed over for at the idle deadline', async () => {
    const { conversationId } = await customerWithBot()
    await as(bot.key, 'POST', path(conversationId, '/messages'), { text: 'Which colours do you like?' })
    clock.advance(29 * minute)
    await test.server.runBotDeadlines()
    expect((await viewOf(conversationId)).bot?.id).toBe(bot.id)
    clock.advance(2 * minute)
    await test.server.runBotDeadlines()
    expect((await viewOf(conversationId)).handoff?.reason).toBe('idle_deadline')
  })

  it('W8: revoking the bot key hands its conversations over, and new sessions stay with the advisors', async () => {
    const made = await createKey('Short-lived bot', 'bot')
    expect((await as(adminKey, 'PUT', '/v1/agent/automation', automation(made.key.id))).status).toBe(200)
    const { conversationId } = await customerWithBot()
    expect((await viewOf(conversationId)).bot?.id).toBe(made.key.id)

    expect((await as(adminKey, 'POST', `/v1/agent/keys/${made.key.id}/revoke`, {})).status).toBe(200)
    await test.server.runBotDeadlines()
    expect((await viewOf(conversationId)).handoff?.reason).toBe('bot_removed')
    const next = await customerWithBot()
    expect((await viewOf(next.conversationId)).bot).toBeNull()
    const settings = await as(adminKey, 'GET', '/v1/agent/automation')
    expect(settings.body).toMatchObject({ settings: { botKeyId: made.key.id }, bot: null })

    expect((await as(adminKey, 'PUT', '/v1/agent/automation', automation(bot.id))).status).toBe(200)
  })

  it('a bot finishes only what it holds, finishing ends its hold, and it never reopens', async () => {
    const { token, conversationId } = await customerWithBot('Where is my order?')
    const other = await as(otherBot.key, 'POST', path(conversationId, '/finish'), {})
    expect(other.body.error.code).toBe('not_controller')
    const finished = await as(bot.key, 'POST', path(conversationId, '/finish'), {})
    expect(finished.status, JSON.stringify(finished.body)).toBe(200)
    expect(finished.body.conversation).toMatchObject({ status: 'finished', controller: 'advisors' })
    const reopen = await as(bot.key, 'POST', path(conversationId, '/reopen'), {})
    expect(reopen.status).toBe(403)

    // The customer's next message opens a new session, which the bot takes again.
    await test.send(token, 'Actually, one more thing')
    expect((await viewOf(conversationId)).bot?.id).toBe(bot.id)
  })

  it('a bot takes a conversation nobody answers yet, never one an advisor holds', async () => {
    expect((await as(adminKey, 'PUT', '/v1/agent/automation', automation(null))).status).toBe(200)
    try {
      const { conversationId } = await customerWithBot()
      expect((await viewOf(conversationId)).bot).toBeNull()
      const taken = await as(bot.key, 'POST', path(conversationId, '/take'), {})
      expect(taken.status, JSON.stringify(taken.body)).toBe(200)
      expect(taken.body.conversation.controller).toBe('bot')

      const second = await customerWithBot()
      await test.agent('POST', path(second.conversationId, '/take'), {})
      const refused = await as(bot.key, 'POST', path(second.conversationId, '/take'), {})
      expect(refused.status).toBe(409)
      expect(refused.body.error.code).toBe('conversation_taken')
    } finally {
      await as(adminKey, 'PUT', '/v1/agent/automation', automation(bot.id))
    }
  })

  it('H4 and H7: only owners and admins set the bot, and only to a live bot key of their own workspace', async () => {
    const advisor = await test.server.createAgent({ workspaceId: test.workspace.workspaceId, name: 'Ana' })
    const refused = await as(advisor.agentKey, 'PUT', '/v1/agent/automation', automation(bot.id))
    expect(refused.status).toBe(403)
    expect((await as(advisor.agentKey, 'GET', '/v1/agent/automation')).body).toMatchObject({
      bot: { id: bot.id, name: 'Stylist bot' },
    })

    const elsewhere = await test.server.createWorkspace({ name: 'Other shop', origins: ['https://other.example'] })
    const foreign = await test.call('POST', '/v1/admin/keys', {
      token: elsewhere.secret,
      headers: { [workspaceHeader]: elsewhere.workspaceId },
      noWorkspace: true,
      body: { name: 'Their bot', scope: 'bot' },
    })
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(201)
    const foreignId = (foreign.body as unknown as CreatedApiKey).key.id
    for (const botKeyId of [foreignId, 'key_nonexistent', (await createKey('Not a bot', 'admin')).key.id]) {
      const answer = await as(adminKey, 'PUT', '/v1/agent/automation', automation(botKeyId))
      expect(answer.status).toBe(400)
      expect(answer.body.error.code).toBe('validation_failed')
    }
    const tooFast = await as(adminKey, 'PUT', '/v1/agent/automation', {
      ...automation(bot.id),
      replyDeadlineSeconds: 1,
    })
    expect(tooFast.body.error.code).toBe('validation_failed')
    expect((await as(adminKey, 'GET', '/v1/agent/automation')).body).toMatchObject({ settings: { botKeyId: bot.id } })
  })

  it('analytics: the bot is never a response; the first response is timed from the handoff', async () => {
    clock.advance(day - (clock.now() % day))
    const start = clock.now()
    const { token, conversationId } = await customerWithBot()
    clock.advance(10 * second)
    await as(bot.key, 'POST', path(conversationId, '/messages'), { text: 'Which colours do you like?' })
    clock.advance(20 * second)
    await test.send(token, 'Blue')
    clock.advance(30 * second)
    await as(bot.key, 'POST', path(conversationId, '/handoff'), { summary: 'Likes blue' })
    clock.advance(45 * second)
    await test.agent('POST', path(conversationId, '/messages'), { text: 'Hi, Ana here' })

    const query = new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(start + day).toISOString() })
    const answer = await test.agent('GET', `/v1/agent/analytics?${query.toString()}`)
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    const { metrics, counts } = answer.body as unknown as AnalyticsResponse
    expect([metrics.firstResponseTime.n, metrics.firstResponseTime.p50]).toEqual([1, 45 * second])
    expect([metrics.responseTime.n, metrics.responseTime.p50]).toEqual([1, 45 * second])
    expect(counts.handedOff.count).toBe(1)
  })

  it('webhooks: a bot taking and handing over is conversation.controller_changed, with the handoff', async () => {
    const received: WebhookPayload[] = []
    const receiver = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => (body += chunk))
      request.on('end', () => {
        received.push(JSON.parse(body) as WebhookPayload)
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
      const endpoint = await as(adminKey, 'POST', '/v1/agent/webhooks', {
        url,
        events: ['conversation.controller_changed'],
      })
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201)
      const { conversationId } = await customerWithBot()
      await as(bot.key, 'POST', path(conversationId, '/handoff'), { summary: 'Likes blue', fields: { colour: 'blue' } })
      await test.server.runWebhooks()

      const mine = received.filter((payload) => payload.data['conversationId'] === conversationId)
      expect(mine.map((payload) => payload.type)).toEqual([
        'conversation.controller_changed',
        'conversation.controller_changed',
      ])
      const botInfo = { id: bot.id, name: 'Stylist bot' }
      expect(mine[0]?.data).toMatchObject({ controller: 'bot', bot: botInfo, handoff: null })
      expect(mine[1]?.data).toMatchObject({
        controller: 'advisors',
        bot: botInfo,
        handoff: { reason: 'bot', summary: 'Likes blue', fields: { colour: 'blue' } },
      })
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
    }
  })
})

import { workspaceHeader } from '@threadline/protocol'
import type { AnalyticsResponse, ChatSettings } from '@threadline/protocol'
import { analyticsResponseSchema } from '@threadline/protocol/schemas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerForVerifiedEmail } from '../auth/customers.js'
import { grantSession } from '../auth/sessions.js'
import { mutate } from '../conversations/agent-conversation.js'
import { appendMessage } from '../conversations/message-log.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

/**
 * Scripted conversations driven through the real APIs on an injected clock, each in a span of its
 * own (a day apart), so each case reads its figures from a window that holds only its own events.
 */
describeEachDatabase('analytics clock rules', (freshDatabase) => {
  // Midnight UTC, so the cases' windows and series line up with whole days.
  const clock = createManualClock(Date.UTC(2026, 0, 5))
  let test: TestServer
  let ana: { key: string; id: string }
  let grace: { key: string; id: string }

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase(), now: clock.now })
    const workspaceId = test.workspace.workspaceId
    const made = await Promise.all([
      test.server.createAgent({ workspaceId, name: 'Ana' }),
      test.server.createAgent({ workspaceId, name: 'Grace' }),
    ])
    ana = { key: made[0].agentKey, id: made[0].agent.id }
    grace = { key: made[1].agentKey, id: made[1].agent.id }
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  /** Starts a case on a fresh day: answers that day's start, for its window. */
  function nextDay(): number {
    clock.advance(day - (clock.now() % day))
    return clock.now()
  }

  async function as(advisor: { key: string }, method: string, path: string, body?: unknown) {
    const answer = await test.call(method, path, { token: advisor.key, noWorkspace: true, body: body ?? {} })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return answer
  }

  const conversationPath = (id: string, rest: string) => `/v1/agent/conversations/${id}${rest}`

  async function customerWrites(token: string, text = 'Hello?') {
    const answer = await test.send(token, text)
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    return answer.body.conversation.id
  }

  /** A message the server itself (`system`) or a bot wrote, through the message log like every other. */
  async function automaticMessage(conversationId: string, authorKind: 'system' | 'bot') {
    await mutate(test.server.context, test.workspace.workspaceId, conversationId, async (transaction, conversation) => {
      await appendMessage(test.server.context, transaction, conversation, {
        client_id: null,
        author_kind: authorKind,
        author_id: null,
        author_name: authorKind === 'bot' ? 'Helper bot' : null,
        author_avatar_url: null,
        text: authorKind === 'bot' ? 'A colleague will be with you shortly.' : 'We have your message.',
      })
    })
  }

  async function analytics(query: Record<string, string>): Promise<{ status: number; body: AnalyticsResponse }> {
    const answer = await test.agent('GET', `/v1/agent/analytics?${new URLSearchParams(query).toString()}`)
    return { status: answer.status, body: answer.body as unknown as AnalyticsResponse }
  }

  async function figuresOf(from: number, to: number, extra: Record<string, string> = {}): Promise<AnalyticsResponse> {
    const answer = await analytics({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...extra })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    expect(analyticsResponseSchema.safeParse(answer.body).success).toBe(true)
    return answer.body
  }

  const samples = (figure: { n: number; avg: number | null; p50: number | null; p90: number | null }) => [
    figure.n,
    figure.avg,
    figure.p50,
    figure.p90,
  ]

  it('a note, a system message and a bot message before the first reply do not stop the clock', async () => {
    const start = nextDay()
    const { session } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(minute)
    await as(ana, 'POST', conversationPath(conversationId, '/notes'), { text: 'Looks like a billing question' })
    clock.advance(minute)
    await automaticMessage(conversationId, 'system')
    clock.advance(minute)
    await automaticMessage(conversationId, 'bot')
    clock.advance(2 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Hi, Ana here', clientId: 'a1' })

    const figures = await figuresOf(start, start + day)
    expect(samples(figures.metrics.responseTime)).toEqual([1, 5 * minute, 5 * minute, 5 * minute])
    expect(samples(figures.metrics.firstResponseTime)).toEqual([1, 5 * minute, 5 * minute, 5 * minute])
    expect(figures.metrics.responseTime.conversationIds).toEqual([conversationId])
    expect(figures.counts.created.count).toBe(1)
    expect(figures.counts.answered.count).toBe(1)
  })

  it('a reopen starts a new session with its own first response, timed from the message that reopened it', async () => {
    const start = nextDay()
    const { session } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(2 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Done', clientId: 'r1' })
    clock.advance(8 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))
    clock.advance(hour)
    await customerWrites(session.token, 'One more thing')
    clock.advance(3 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Sure', clientId: 'r2' })
    clock.advance(4 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))
    // The advisor's own reopen starts a third session, timed from the reopen.
    clock.advance(hour)
    await as(ana, 'POST', conversationPath(conversationId, '/reopen'))
    clock.advance(minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Following up', clientId: 'r3' })
    clock.advance(minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))

    const figures = await figuresOf(start, start + day)
    expect(figures.counts.created.count).toBe(1)
    expect(figures.counts.reopened.count).toBe(2)
    expect(figures.counts.answered.count).toBe(3)
    expect(figures.counts.finished.count).toBe(3)
    const frt = figures.metrics.firstResponseTime
    expect([frt.n, frt.p50, frt.p90]).toEqual([3, 2 * minute, 3 * minute])
    expect(frt.avg).toBe(2 * minute)
    // Sessions: 10, 7 and 2 minutes; the finished hour between them belongs to none.
    const sessions = figures.metrics.sessionDuration
    expect([sessions.n, sessions.avg, sessions.p50, sessions.p90]).toEqual([
      3,
      (19 * minute) / 3,
      7 * minute,
      10 * minute,
    ])
    // The reply after the advisor's reopen answered nobody's message: no response time.
    expect(figures.metrics.responseTime.n).toBe(2)
  })

  it("a proactive message answers nothing: the customer's reply to it starts the response clock, and its session has no first response", async () => {
    const start = nextDay()
    const { session, customer } = await test.verify()
    await as(ana, 'POST', `/v1/agent/customers/${customer.id}/messages`, { text: 'Your order shipped', clientId: 'p1' })
    clock.advance(10 * minute)
    const conversationId = await customerWrites(session.token, 'It has not arrived')
    clock.advance(3 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Let me check', clientId: 'p2' })

    const figures = await figuresOf(start, start + day)
    expect(samples(figures.metrics.responseTime)).toEqual([1, 3 * minute, 3 * minute, 3 * minute])
    expect(figures.metrics.responseTime.conversationIds).toEqual([conversationId])
    // Nobody waited when the advisor wrote first: no first response, neither 13 minutes nor 3.
    expect(figures.metrics.firstResponseTime.n).toBe(0)
    expect(figures.counts.created.count).toBe(1)
    expect(figures.counts.answered.count).toBe(1)
  })

  it('a proactive message into a finished conversation opens a session without a first response', async () => {
    const start = nextDay()
    const { session, customer } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(2 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Hi', clientId: 'f1' })
    clock.advance(minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))
    clock.advance(hour)
    await as(ana, 'POST', `/v1/agent/customers/${customer.id}/messages`, { text: 'How did it go?', clientId: 'f2' })
    clock.advance(20 * minute)
    await customerWrites(session.token, 'Not well')
    clock.advance(6 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Sorry to hear', clientId: 'f3' })

    const figures = await figuresOf(start, start + day)
    expect(figures.counts.reopened.count).toBe(1)
    // Only the first session, answered in 2 minutes, has a first response.
    expect(samples(figures.metrics.firstResponseTime)).toEqual([1, 2 * minute, 2 * minute, 2 * minute])
    const responses = figures.metrics.responseTime
    expect([responses.n, responses.p50, responses.p90]).toEqual([2, 2 * minute, 6 * minute])
  })

  it('a proactive message to a waiting customer keeps them waiting until a real reply', async () => {
    const start = nextDay()
    const { session, customer } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(4 * minute)
    await as(ana, 'POST', `/v1/agent/customers/${customer.id}/messages`, {
      text: 'Our sale starts today',
      clientId: 'w1',
    })
    clock.advance(minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Sorry, hello!', clientId: 'w2' })

    const figures = await figuresOf(start, start + day)
    expect(samples(figures.metrics.responseTime)).toEqual([1, 5 * minute, 5 * minute, 5 * minute])
    expect(samples(figures.metrics.firstResponseTime)).toEqual([1, 5 * minute, 5 * minute, 5 * minute])
    expect(figures.counts.answered.count).toBe(1)
  })

  it('an overtake splits the handling time between the advisors by the time each held it', async () => {
    const start = nextDay()
    const { session } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(minute)
    await as(grace, 'POST', conversationPath(conversationId, '/take'), {})
    clock.advance(4 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/take'), { overtake: true })
    clock.advance(7 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))

    const figures = await figuresOf(start, start + day)
    expect(samples(figures.metrics.handlingTime)).toEqual([1, 11 * minute, 11 * minute, 11 * minute])
    const shares = Object.fromEntries(
      figures.advisors.map((advisor) => [advisor.name, advisor.handlingTime.avg] as const),
    )
    expect(shares).toEqual({ Ana: 7 * minute, Grace: 4 * minute })
    const anaOnly = await figuresOf(start, start + day, { advisorId: ana.id })
    expect(samples(anaOnly.metrics.handlingTime)).toEqual([1, 7 * minute, 7 * minute, 7 * minute])
    expect(anaOnly.counts.finished.count).toBe(1)
    const graceOnly = await figuresOf(start, start + day, { advisorId: grace.id })
    expect(graceOnly.counts.finished.count).toBe(0)
  })

  it('a reply without a take takes it; a colleague answering meanwhile is their response, not their handling', async () => {
    const start = nextDay()
    const { session } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(3 * minute)
    await as(grace, 'POST', conversationPath(conversationId, '/messages'), { text: 'Grace here', clientId: 'w1' })
    clock.advance(minute)
    await customerWrites(session.token, 'Still there?')
    clock.advance(minute)
    await customerWrites(session.token, 'Hello??')
    clock.advance(2 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Ana, covering', clientId: 'w2' })
    clock.advance(13 * minute)
    await as(grace, 'POST', conversationPath(conversationId, '/finish'))

    const figures = await figuresOf(start, start + day)
    const byName: Record<string, AnalyticsResponse['advisors'][number]> = Object.fromEntries(
      figures.advisors.map((advisor) => [advisor.name ?? advisor.advisorId, advisor] as const),
    )
    // The wait runs from the first unanswered message ("Still there?"), not the last.
    expect(samples(byName['Ana']?.responseTime ?? figures.metrics.responseTime)).toEqual([
      1,
      3 * minute,
      3 * minute,
      3 * minute,
    ])
    expect(byName['Ana']?.handlingTime.n).toBe(0)
    expect(samples(byName['Grace']?.handlingTime ?? figures.metrics.handlingTime)).toEqual([
      1,
      17 * minute,
      17 * minute,
      17 * minute,
    ])
    expect(byName['Grace']?.firstResponseTime.p50).toBe(3 * minute)
    expect(figures.metrics.responseTime.n).toBe(2)
  })

  it('a conversation across the window edge counts each figure in the window where it settles', async () => {
    const start = nextDay()
    clock.advance(day - 10 * minute)
    const { session } = await test.verify()
    const conversationId = await customerWrites(session.token)
    clock.advance(20 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/messages'), { text: 'Morning', clientId: 'e1' })
    clock.advance(20 * minute)
    await as(ana, 'POST', conversationPath(conversationId, '/finish'))

    const before = await figuresOf(start, start + day)
    expect(before.counts.created.count).toBe(1)
    expect(before.metrics.responseTime.n).toBe(0)
    expect(before.counts.finished.count).toBe(0)
    const after = await figuresOf(start + day, start + 2 * day)
    expect(after.counts.created.count).toBe(0)
    expect(samples(after.metrics.responseTime)).toEqual([1, 20 * minute, 20 * minute, 20 * minute])
    expect(samples(after.metrics.sessionDuration)).toEqual([1, 40 * minute, 40 * minute, 40 * minute])
    expect(after.counts.answered.conversationIds).toEqual([conversationId])
  })

  it('a blocked customer is counted, for the advisor who blocked them', async () => {
    const start = nextDay()
    const { session, customer } = await test.verify()
    const conversationId = await customerWrites(session.token, 'Spam')
    clock.advance(minute)
    await as(grace, 'POST', '/v1/agent/blocks', { customerId: customer.id, reason: 'Spam', durationSeconds: 3600 })
    await as(grace, 'POST', conversationPath(conversationId, '/finish'))

    const figures = await figuresOf(start, start + day)
    expect(figures.counts.blocked.count).toBe(1)
    expect(figures.counts.handedOff.count).toBe(0)
    expect((await figuresOf(start, start + day, { advisorId: grace.id })).counts.blocked.count).toBe(1)
    expect((await figuresOf(start, start + day, { advisorId: ana.id })).counts.blocked.count).toBe(0)
  })

  it('live figures show who waits now, the longest wait first, whatever the window', async () => {
    nextDay()
    const first = await test.verify()
    const oldest = await customerWrites(first.session.token)
    clock.advance(10 * minute)
    const second = await test.verify()
    const newer = await customerWrites(second.session.token)
    clock.advance(5 * minute)

    const figures = (await analytics({ window: '24h' })).body
    expect(figures.live.oldestWait).toEqual({
      conversationId: oldest,
      since: new Date(clock.now() - 15 * minute).toISOString(),
      ms: 15 * minute,
    })
    expect(figures.live.waiting.conversationIds.slice(0, 2)).toEqual([oldest, newer])
    expect(figures.live.unanswered.conversationIds).toEqual(expect.arrayContaining([oldest, newer]))
    await as(ana, 'POST', conversationPath(oldest, '/messages'), { text: 'Hi', clientId: 'l1' })
    const later = (await analytics({ window: '24h' })).body
    expect(later.live.oldestWait?.conversationId).toBe(newer)
    expect(later.live.active.conversationIds).toContain(oldest)
  })

  it('the series buckets counts by the hours of the time zone asked for', async () => {
    const start = nextDay()
    const { session } = await test.verify()
    clock.advance(40 * minute)
    await customerWrites(session.token)
    // Kolkata is UTC+5:30: its hours begin at half past, so 00:40 UTC is in the bucket from 00:30.
    const figures = await figuresOf(start, start + 2 * hour, { timezone: 'Asia/Kolkata' })
    expect(figures.window.bucket).toBe('hour')
    expect(figures.series.map((bucket) => [bucket.start, bucket.created])).toEqual([
      [new Date(start).toISOString(), 0],
      [new Date(start + 30 * minute).toISOString(), 1],
      [new Date(start + 90 * minute).toISOString(), 0],
    ])
    const daily = await figuresOf(start - 12 * hour, start + 2 * day, { timezone: 'Asia/Kolkata' })
    expect(daily.window.bucket).toBe('day')
    expect(daily.series.find((bucket) => bucket.created > 0)?.start).toBe(
      new Date(start - 5 * hour - 30 * minute).toISOString(),
    )
  })

  it("X1: another workspace's conversations are in no figure, drill-down or live list, and its advisor's id narrows to nothing", async () => {
    const start = nextDay()
    const other = await test.server.createWorkspace({ name: 'Other shop', origins: ['https://other.example'] })
    const olga = await test.server.createAgent({ workspaceId: other.workspaceId, name: 'Olga' })
    const customer = await customerForVerifiedEmail(test.server.context, other.workspaceId, 'ann@other.example')
    const { token } = await grantSession(test.server.context, {
      workspaceId: other.workspaceId,
      customerId: customer.id,
      method: 'email',
    })
    const sent = await test.call('POST', '/v1/conversation/messages', {
      token,
      noWorkspace: true,
      headers: { [workspaceHeader]: other.workspaceId },
      body: { clientId: crypto.randomUUID(), text: 'Hello from the other shop' },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const theirs = sent.body.conversation.id
    clock.advance(minute)
    await as({ key: olga.agentKey }, 'POST', conversationPath(theirs, '/messages'), {
      text: 'Olga here',
      clientId: 'o1',
    })
    clock.advance(minute)

    // The other workspace reads its own figures first, so its facts are in the projection.
    const window = { from: new Date(start).toISOString(), to: new Date(start + day).toISOString() }
    const own = await test.call('GET', `/v1/agent/analytics?${new URLSearchParams(window).toString()}`, {
      token: olga.agentKey,
      noWorkspace: true,
    })
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.body)).toContain(theirs)

    const ours = await figuresOf(start, start + day)
    const mentioned = JSON.stringify(ours)
    expect(mentioned).not.toContain(theirs)
    expect(mentioned).not.toContain(olga.agent.id)
    expect(ours.counts.created.count).toBe(0)
    const narrowed = await figuresOf(start, start + day, { advisorId: olga.agent.id })
    expect(narrowed.advisors).toEqual([])
    expect(narrowed.metrics.responseTime.n).toBe(0)
  })

  it('business hours keep what began within the schedule: a count at its instant, a response at the message it answered', async () => {
    const created = await test.call('POST', '/v1/admin/keys', {
      token: test.workspace.secret,
      body: { name: 'Hours', scope: 'admin' },
    })
    const adminKey = (created.body as unknown as { secret: string }).secret
    const setSchedule = async (schedule: ChatSettings['schedule']) => {
      const answer = await test.call('PUT', '/v1/agent/chat-settings', {
        token: adminKey,
        noWorkspace: true,
        body: { override: null, schedule },
      })
      expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    }
    await setSchedule({
      timeZone: 'UTC',
      weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ day: weekday, opens: '09:00', closes: '17:00' })),
      exceptions: [],
      closedMode: 'offline',
    })
    try {
      const start = nextDay()
      // 08:00, before opening: written offline, answered at 09:30, within hours.
      clock.advance(8 * hour)
      const early = await customerWrites((await test.verify()).session.token, 'Before you open')
      clock.advance(90 * minute)
      await as(ana, 'POST', conversationPath(early, '/messages'), { text: 'Morning!', clientId: 'b1' })
      // 10:00, within hours: answered five minutes later.
      clock.advance(30 * minute)
      const onTime = await customerWrites((await test.verify()).session.token, 'During the day')
      clock.advance(5 * minute)
      await as(ana, 'POST', conversationPath(onTime, '/messages'), { text: 'Hello!', clientId: 'b2' })

      const all = await figuresOf(start, start + day)
      expect(all.window.hours).toBe('all')
      expect(all.counts.created.count).toBe(2)
      expect(samples(all.metrics.responseTime)).toEqual([2, (95 * minute) / 2, 5 * minute, 90 * minute])
      const business = await figuresOf(start, start + day, { hours: 'business' })
      expect(business.window.hours).toBe('business')
      expect(business.counts.created).toMatchObject({ count: 1, conversationIds: [onTime] })
      expect(samples(business.metrics.responseTime)).toEqual([1, 5 * minute, 5 * minute, 5 * minute])
      expect(business.metrics.responseTime.conversationIds).toEqual([onTime])
      // Both replies were sent within hours.
      expect(business.counts.answered.count).toBe(2)
      expect(business.series.reduce((sum, bucket) => sum + bucket.created, 0)).toBe(1)
    } finally {
      await setSchedule(null)
    }
  })

  describe('when the query cannot be answered', () => {
    it('refuses business hours while the workspace has no schedule', async () => {
      const answer = await analytics({ hours: 'business' })
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({
        error: { code: 'validation_failed', message: 'business hours are not configured' },
      })
    })

    it('refuses an unknown time zone and a window that ends before it starts', async () => {
      expect((await analytics({ timezone: 'Mars/Olympus' })).status).toBe(400)
      const now = clock.now()
      const backwards = await analytics({ from: new Date(now).toISOString(), to: new Date(now - hour).toISOString() })
      expect(backwards.status).toBe(400)
      expect((await analytics({ window: '7d', from: new Date(now).toISOString() })).status).toBe(400)
    })
  })
})

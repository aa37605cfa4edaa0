import type { AnalyticsDuration, AnalyticsResponse, ChatSchedule } from '@threadline/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openIntervals } from '../availability/schedule.js'
import { createAdminKey } from '../testing/admin-key.test-helpers.js'
import { describeEachDatabase } from '../testing/databases.test-helpers.js'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { factMetrics } from './clock-rules.js'
import type { FactMetric } from './clock-rules.js'
import { analyticsDatabase, setInlineFoldLimit } from './projection.js'
import type { AnalyticsTables } from './projection.js'

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

type FactRow = AnalyticsTables['analytics_facts']

/**
 * The figures read in SQL against the same figures computed in memory from every fact (what the
 * analytics did before they were read in SQL): nearest rank, drill-downs slowest and latest first,
 * the per-advisor breakdown and the series, over enough facts that every group has more rows than a
 * first drill-down read; and the catch-up that moves to the background when the projection is far behind.
 */
describeEachDatabase('analytics read in SQL', (freshDatabase) => {
  const start = Date.UTC(2026, 2, 2)
  const clock = createManualClock(start + 10 * day)
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({ database: await freshDatabase(), now: clock.now })
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  async function analytics(query: Record<string, string>) {
    const answer = await test.agent('GET', `/v1/agent/analytics?${new URLSearchParams(query).toString()}`)
    return { ...answer, body: answer.body as unknown as AnalyticsResponse }
  }

  /** Writes facts straight into the projection, as the fold would. */
  async function insertFacts(facts: FactRow[]) {
    const db = analyticsDatabase(test.server.context)
    for (let first = 0; first < facts.length; first += 400)
      await db
        .insertInto('analytics_facts')
        .values(facts.slice(first, first + 400))
        .execute()
  }

  it('gives the figures a computation over every fact gives, to the sample and the drill-down id', async () => {
    const workspaceId = test.workspace.workspaceId
    // A deterministic spread: 3 advisors (one renamed halfway), values with many ties, conversations with many samples.
    let seed = 7
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }
    const advisors = ['adv-a', 'adv-b', 'adv-c']
    const facts: FactRow[] = []
    for (let index = 0; index < 12_000; index++) {
      const metric = factMetrics[Math.floor(random() * factMetrics.length)] ?? 'created'
      const advisorId = metric === 'created' || metric === 'reopened' ? null : (advisors[index % 3] ?? null)
      const at = start + Math.floor(random() * 6 * day)
      const duration = ['response', 'first_response', 'handling', 'handling_share', 'session'].includes(metric)
      // Most of the slowest handling belongs to a few conversations: the first drill-down read names too few.
      const few = metric === 'handling' && random() < 0.8
      const value = few ? 200 + Math.floor(random() * 100) : Math.floor(random() * 200)
      facts.push({
        id: `fact-${index}`,
        workspace_id: workspaceId,
        conversation_id: few ? `conv-few-${Math.floor(random() * 20)}` : `conv-${Math.floor(random() * 700)}`,
        metric,
        advisor_id: advisorId,
        advisor_name: advisorId === null ? null : `${advisorId}-${at < start + 3 * day ? 'old' : 'new'}`,
        // Few distinct values, at quarter-minute steps: many ties.
        at: metric === 'blocked' ? start + 2 * day : at - (at % (15 * 1000)),
        value_ms: duration ? value * 1000 : null,
      })
    }
    const db = analyticsDatabase(test.server.context)
    await insertFacts(facts)

    const windows = [
      { from: start, to: start + 6 * day },
      { from: start + day + 7 * minute, to: start + 2 * day + 3 * hour },
    ]
    for (const window of windows)
      for (const advisorId of [null, 'adv-b'])
        for (const timezone of ['UTC', 'Asia/Kathmandu']) {
          const query = {
            from: new Date(window.from).toISOString(),
            to: new Date(window.to).toISOString(),
            timezone,
            ...(advisorId === null ? {} : { advisorId }),
          }
          const answer = await analytics(query)
          expect(answer.status, JSON.stringify(answer.body)).toBe(200)
          const expected = inMemory(facts, window, advisorId)
          expect(answer.body.metrics).toEqual(expected.metrics)
          expect(answer.body.counts).toEqual(expected.counts)
          expect(answer.body.advisors).toEqual(expected.advisors)
          const seriesTotal = answer.body.series.reduce((sum, bucket) => sum + bucket.created + bucket.finished, 0)
          expect(seriesTotal).toBe(expected.counts.created.count + expected.counts.finished.count)
          const perBucket = answer.body.series.map((bucket) => bucket.answered)
          expect(perBucket).toEqual(
            answer.body.series.map((bucket, index) => {
              const from = Date.parse(bucket.start)
              const next = answer.body.series[index + 1]
              const to = next ? Date.parse(next.start) : window.to
              return expected.scoped.filter((fact) => fact.metric === 'answered' && fact.at >= from && fact.at < to)
                .length
            }),
          )
        }
    await db.deleteFrom('analytics_facts').execute()
  })

  it('gives the figures of every fact for 24 hours, 7 and 30 days, all and business hours, of the workspace and each advisor, over randomized conversations', async () => {
    const workspaceId = test.workspace.workspaceId
    const schedule: ChatSchedule = {
      timeZone: 'Europe/Berlin',
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ day: weekday, opens: '08:30', closes: '17:45' })),
      exceptions: [],
      closedMode: 'offline',
    }
    const scheduled = await test.call('PUT', '/v1/agent/chat-settings', {
      token: await createAdminKey(test),
      noWorkspace: true,
      body: { override: null, schedule },
    })
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200)

    // Conversations over the last 40 days: a creation, replies of three advisors, a finish with its
    // session, handling and shares, some reopened; durations from seconds to days, some tied.
    let seed = 11
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }
    const now = clock.now()
    const advisors = ['adv-a', 'adv-b', 'adv-c']
    const facts: FactRow[] = []
    const settle = (
      conversation: string,
      metric: FactMetric,
      at: number,
      advisor: string | null,
      value: number | null,
    ) =>
      facts.push({
        id: `random-${facts.length}`,
        workspace_id: workspaceId,
        conversation_id: conversation,
        metric,
        advisor_id: advisor,
        advisor_name: advisor === null ? null : `${advisor}-name`,
        at,
        value_ms: value,
      })
    for (let index = 0; index < 900; index++) {
      const conversation = `random-conv-${index}`
      let at = now - Math.floor(random() * 40 * day)
      settle(conversation, 'created', at, null, null)
      const sessions = random() < 0.2 ? 2 : 1
      for (let session = 0; session < sessions; session++) {
        const started = at
        const advisor = advisors[Math.floor(random() * 3)] ?? null
        const wait = random() < 0.3 ? 60_000 : Math.floor(random() * (random() < 0.1 ? 2 * day : hour))
        at += wait
        settle(conversation, 'answered', at, advisor, null)
        settle(conversation, 'first_response', at, advisor, wait)
        settle(conversation, 'response', at, advisor, wait)
        for (let reply = Math.floor(random() * 4); reply > 0; reply--) {
          const next = Math.floor(random() * 30 * minute)
          at += next
          settle(conversation, 'response', at, advisors[Math.floor(random() * 3)] ?? null, next)
        }
        at += Math.floor(random() * hour)
        if (at >= now) break
        settle(conversation, 'finished', at, advisor, null)
        settle(conversation, 'session', at, advisor, at - started)
        settle(conversation, 'handling', at, null, at - started - wait)
        settle(conversation, 'handling_share', at, advisor, at - started - wait)
        if (random() < 0.05) settle(conversation, 'blocked', at, advisor, null)
        at += Math.floor(random() * 3 * day)
        if (at >= now || session === sessions - 1) break
        settle(conversation, 'reopened', at, null, null)
      }
    }
    const inWindow = facts.filter((fact) => fact.at < now)
    const db = analyticsDatabase(test.server.context)
    await insertFacts(inWindow)

    const fields = ['created', 'reopened', 'answered', 'finished', 'blocked', 'handedOff'] as const
    for (const window of ['24h', '7d', '30d'] as const)
      for (const hours of ['all', 'business'] as const)
        for (const advisorId of [null, ...advisors]) {
          const span = { from: now - { '24h': day, '7d': 7 * day, '30d': 30 * day }[window], to: now }
          const open = hours === 'business' ? openIntervals(schedule, span.from, span.to) : null
          const began = (fact: FactRow) => fact.at - (fact.value_ms ?? 0)
          const kept =
            open === null
              ? inWindow
              : inWindow.filter((fact) => open.some(([start, end]) => began(fact) >= start && began(fact) < end))
          const answer = await analytics({ window, hours, ...(advisorId === null ? {} : { advisorId }) })
          expect(answer.status, JSON.stringify(answer.body)).toBe(200)
          const expected = inMemory(kept, span, advisorId)
          const label = `${window} ${hours} ${advisorId ?? 'workspace'}`
          expect(answer.body.metrics, label).toEqual(expected.metrics)
          expect(answer.body.counts, label).toEqual(expected.counts)
          expect(answer.body.advisors, label).toEqual(expected.advisors)
          expect(
            answer.body.series.map((bucket) => fields.map((field) => bucket[field])),
            label,
          ).toEqual(
            answer.body.series.map((bucket, index) => {
              const from = Date.parse(bucket.start)
              const to = Date.parse(answer.body.series[index + 1]?.start ?? new Date(span.to).toISOString())
              const of = (metric: FactMetric) =>
                expected.scoped.filter((fact) => fact.metric === metric && fact.at >= from && fact.at < to).length
              return ['created', 'reopened', 'answered', 'finished', 'blocked', 'handed_off'].map((metric) =>
                of(metric as FactMetric),
              )
            }),
          )
        }
    await db.deleteFrom('analytics_facts').execute()
  })

  it('answers 503 unavailable with Retry-After while a long catch-up runs in the background, then the caught-up figures', async () => {
    const { session } = await test.verify()
    const from = clock.now()
    for (let index = 0; index < 4; index++) {
      const answer = await test.send(session.token, `Question ${index}`)
      expect(answer.status).toBe(200)
      clock.advance(minute)
    }
    const window = { from: new Date(from).toISOString(), to: new Date(from + hour).toISOString() }
    const inline = await analytics(window)
    expect(inline.status, JSON.stringify(inline.body)).toBe(200)
    expect(inline.body.counts.created.count).toBe(1)

    // As after an upgrade: the projection emptied, more events behind than a query folds itself.
    const db = analyticsDatabase(test.server.context)
    await db.deleteFrom('analytics_facts').execute()
    await db.deleteFrom('analytics_conversations').execute()
    await db.deleteFrom('analytics_progress').execute()
    setInlineFoldLimit(test.server.context, 2)
    const refused = await analytics(window)
    expect(refused.status).toBe(503)
    expect((refused.body as unknown as { error: { code: string } }).error.code).toBe('unavailable')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

    await expect.poll(async () => (await analytics(window)).status, { timeout: 20_000, interval: 20 }).toBe(200)
    expect((await analytics(window)).body).toEqual(inline.body)

    // A small lag folds inline: the next message is in the very next answer.
    clock.advance(minute)
    await test.send(session.token, 'Still there?')
    const fresh = await analytics(window)
    expect(fresh.status).toBe(200)
    expect(fresh.body.live.waiting.count).toBe(1)
    setInlineFoldLimit(test.server.context, 10_000)
  })
})

/** The figures of `docs/analytics.md` computed from every fact in the window, in memory. */
function inMemory(all: FactRow[], window: { from: number; to: number }, advisorId: string | null) {
  const inWindow = all
    .filter((fact) => fact.at >= window.from && fact.at < window.to)
    .sort((a, b) => a.at - b.at || byText(a.conversation_id, b.conversation_id))
  const scoped =
    advisorId === null
      ? inWindow
      : inWindow.filter(
          (fact) => fact.metric === 'created' || fact.metric === 'reopened' || fact.advisor_id === advisorId,
        )
  const of = (facts: FactRow[], metric: FactMetric) => facts.filter((fact) => fact.metric === metric)
  const drillDown = (ids: string[]) => {
    const distinct = [...new Set(ids)]
    return { conversationIds: distinct.slice(0, 100), conversationTotal: distinct.length }
  }
  const duration = (facts: FactRow[]): AnalyticsDuration => {
    // Slowest first; of equal values the earliest, then by conversation.
    const samples = facts
      .filter((fact) => fact.value_ms !== null)
      .sort(
        (a, b) => (b.value_ms ?? 0) - (a.value_ms ?? 0) || a.at - b.at || byText(a.conversation_id, b.conversation_id),
      )
    const ascending = samples.map((fact) => fact.value_ms ?? 0).reverse()
    const rank = (fraction: number) =>
      ascending.length === 0 ? null : (ascending[Math.max(0, Math.ceil(fraction * ascending.length) - 1)] ?? null)
    return {
      n: ascending.length,
      avg: ascending.length === 0 ? null : Math.round(ascending.reduce((sum, v) => sum + v, 0) / ascending.length),
      p50: rank(0.5),
      p90: rank(0.9),
      ...drillDown(samples.map((fact) => fact.conversation_id)),
    }
  }
  const count = (facts: FactRow[]) => ({
    count: facts.length,
    ...drillDown(facts.map((fact) => fact.conversation_id).reverse()),
  })
  const advisorIds = [...new Set(scoped.flatMap((fact) => (fact.advisor_id === null ? [] : [fact.advisor_id])))]
  return {
    scoped,
    metrics: {
      responseTime: duration(of(scoped, 'response')),
      firstResponseTime: duration(of(scoped, 'first_response')),
      handlingTime: duration(of(scoped, advisorId === null ? 'handling' : 'handling_share')),
      sessionDuration: duration(of(scoped, 'session')),
    },
    counts: {
      created: count(of(scoped, 'created')),
      reopened: count(of(scoped, 'reopened')),
      answered: count(of(scoped, 'answered')),
      finished: count(of(scoped, 'finished')),
      blocked: count(of(scoped, 'blocked')),
      handedOff: count(of(scoped, 'handed_off')),
    },
    advisors: advisorIds
      .map((id) => {
        const own = scoped.filter((fact) => fact.advisor_id === id)
        return {
          advisorId: id,
          name: own[own.length - 1]?.advisor_name ?? null,
          responseTime: duration(of(own, 'response')),
          firstResponseTime: duration(of(own, 'first_response')),
          handlingTime: duration(of(own, 'handling_share')),
          answered: of(own, 'answered').length,
          finished: of(own, 'finished').length,
        }
      })
      .sort((a, b) => (a.name ?? a.advisorId).localeCompare(b.name ?? b.advisorId)),
  }
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

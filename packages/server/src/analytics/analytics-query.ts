import type {
  AnalyticsAdvisor,
  AnalyticsBucket,
  AnalyticsCount,
  AnalyticsDuration,
  AnalyticsQuery,
  AnalyticsResponse,
} from '@threadline/protocol'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { FactMetric } from './clock-rules.js'
import { analyticsDatabase, catchUpAnalytics } from './projection.js'

/** How many conversation ids a figure carries for drilling down; `conversationTotal` says how many there are. */
export const drillDownLimit = 100

const hour = 3_600_000
const day = 24 * hour
const windowLengths = { '24h': day, '7d': 7 * day, '30d': 30 * day } as const
/** A custom window may span up to this. */
const longestWindow = 400 * day
/** Windows up to this long are bucketed by hour, longer ones by day. */
const longestHourlyWindow = 2 * day

interface FactRow {
  metric: FactMetric
  conversationId: string
  advisorId: string | null
  advisorName: string | null
  at: number
  valueMs: number | null
}

interface ResolvedWindow {
  from: number
  to: number
  timezone: string
  bucket: 'hour' | 'day'
}

/**
 * `GET /v1/agent/analytics`: catches the projection up with the timeline, then reads the facts that
 * settled in `[from, to)` and the live state. Every figure is computed here from those rows.
 */
export async function workspaceAnalytics(
  context: ServerContext,
  { workspaceId, query }: { workspaceId: string; query: AnalyticsQuery },
): Promise<AnalyticsResponse> {
  const window = resolveWindow(query, context.now())
  await catchUpAnalytics(context, workspaceId)
  const db = analyticsDatabase(context)
  const [factRows, liveRows] = await Promise.all([
    db
      .selectFrom('analytics_facts')
      .select(['metric', 'conversation_id', 'advisor_id', 'advisor_name', 'at', 'value_ms'])
      .where('workspace_id', '=', workspaceId)
      .where('at', '>=', window.from)
      .where('at', '<', window.to)
      .orderBy('at')
      .execute(),
    db
      .selectFrom('analytics_conversations')
      .select(['conversation_id', 'status', 'waiting_since'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '!=', 'finished')
      .execute(),
  ])
  const facts: FactRow[] = factRows.map((row) => ({
    metric: row.metric as FactMetric,
    conversationId: row.conversation_id,
    advisorId: row.advisor_id,
    advisorName: row.advisor_name,
    at: Number(row.at),
    valueMs: row.value_ms === null ? null : Number(row.value_ms),
  }))
  const advisorId = query.advisorId ?? null
  const scoped = advisorId === null ? facts : facts.filter((fact) => belongsToAdvisor(fact, advisorId))
  const byMetric = groupBy(scoped, (fact) => fact.metric)
  const of = (metric: FactMetric) => byMetric.get(metric) ?? []
  return {
    window: {
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      timezone: window.timezone,
      hours: 'all',
      bucket: window.bucket,
      advisorId,
    },
    metrics: {
      responseTime: durationFigure(of('response')),
      firstResponseTime: durationFigure(of('first_response')),
      // One advisor's handling is their share; the workspace's is each session's first handling → finish.
      handlingTime: durationFigure(advisorId === null ? of('handling') : of('handling_share')),
      sessionDuration: durationFigure(of('session')),
    },
    counts: {
      created: countFigure(of('created')),
      reopened: countFigure(of('reopened')),
      answered: countFigure(of('answered')),
      finished: countFigure(of('finished')),
      blocked: countFigure(of('blocked')),
      handedOff: countFigure(of('handed_off')),
    },
    live: liveFigures(
      liveRows.map((row) => ({
        conversationId: row.conversation_id,
        status: row.status,
        waitingSince: row.waiting_since === null ? null : Number(row.waiting_since),
      })),
      context.now(),
    ),
    advisors: advisorBreakdown(scoped),
    series: countSeries(scoped, window),
  }
}

/** Created and reopened belong to the conversation, not to an advisor: an advisor filter keeps them. */
function belongsToAdvisor(fact: FactRow, advisorId: string): boolean {
  return fact.metric === 'created' || fact.metric === 'reopened' || fact.advisorId === advisorId
}

/** `window` names a span ending now; `from` and `to` give one; `business` hours wait for chat modes. */
export function resolveWindow(query: AnalyticsQuery, now: number): ResolvedWindow {
  if (query.hours === 'business') throw new ApiError('validation_failed', 'business hours are not configured')
  const timezone = query.timezone ?? 'UTC'
  if (!isTimeZone(timezone)) throw new ApiError('validation_failed', `Unknown time zone: ${timezone}`)
  const custom = query.from !== undefined || query.to !== undefined
  if (custom && query.window !== undefined)
    throw new ApiError('validation_failed', 'Give either window or from and to, not both')
  let from: number
  let to: number
  if (custom) {
    if (query.from === undefined || query.to === undefined)
      throw new ApiError('validation_failed', 'A custom window needs both from and to')
    from = Date.parse(query.from)
    to = Date.parse(query.to)
    if (!(to > from)) throw new ApiError('validation_failed', 'to must be after from')
    if (to - from > longestWindow) throw new ApiError('validation_failed', 'A window spans at most 400 days')
  } else {
    to = now
    from = now - windowLengths[query.window ?? '24h']
  }
  return { from, to, timezone, bucket: to - from <= longestHourlyWindow ? 'hour' : 'day' }
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

/** Nearest rank: the smallest value with at least `fraction` of the samples at or below it. */
function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? null
}

/** The conversations behind a figure, the given ones first, each once. */
function drillDown(conversationIds: string[]): { conversationIds: string[]; conversationTotal: number } {
  const distinct = [...new Set(conversationIds)]
  return { conversationIds: distinct.slice(0, drillDownLimit), conversationTotal: distinct.length }
}

/** Drilling down lists the slowest conversations first. */
function durationFigure(facts: FactRow[]): AnalyticsDuration {
  const samples = facts.filter((fact) => fact.valueMs !== null).sort((a, b) => (b.valueMs ?? 0) - (a.valueMs ?? 0))
  const ascending = samples.map((fact) => fact.valueMs ?? 0).reverse()
  const total = ascending.reduce((sum, value) => sum + value, 0)
  return {
    n: ascending.length,
    avg: ascending.length === 0 ? null : Math.round(total / ascending.length),
    p50: percentile(ascending, 0.5),
    p90: percentile(ascending, 0.9),
    ...drillDown(samples.map((fact) => fact.conversationId)),
  }
}

/** Drilling down lists the latest conversations first. */
function countFigure(facts: FactRow[]): AnalyticsCount {
  return { count: facts.length, ...drillDown(facts.map((fact) => fact.conversationId).reverse()) }
}

interface LiveRow {
  conversationId: string
  status: 'unanswered' | 'active' | 'finished'
  waitingSince: number | null
}

/** Now, whatever the window: open sessions by status, and those whose customer waits for a reply, longest first. */
function liveFigures(rows: LiveRow[], now: number): AnalyticsResponse['live'] {
  const waiting = rows
    .filter((row) => row.waitingSince !== null)
    .sort((a, b) => (a.waitingSince ?? 0) - (b.waitingSince ?? 0))
  const oldest = waiting[0]
  const byStatus = (status: LiveRow['status']) => {
    const ids = rows.filter((row) => row.status === status).map((row) => row.conversationId)
    return { count: ids.length, ...drillDown(ids) }
  }
  return {
    unanswered: byStatus('unanswered'),
    active: byStatus('active'),
    waiting: { count: waiting.length, ...drillDown(waiting.map((row) => row.conversationId)) },
    oldestWait:
      oldest?.waitingSince == null
        ? null
        : {
            conversationId: oldest.conversationId,
            since: new Date(oldest.waitingSince).toISOString(),
            ms: now - oldest.waitingSince,
          },
  }
}

/** Each advisor's figures, by name: their replies, their handling shares, what they answered first and finished. */
function advisorBreakdown(facts: FactRow[]): AnalyticsAdvisor[] {
  const byAdvisor = groupBy(
    facts.filter((fact) => fact.advisorId !== null),
    (fact) => fact.advisorId ?? '',
  )
  return [...byAdvisor]
    .map(([advisorId, own]) => {
      const byMetric = groupBy(own, (fact) => fact.metric)
      const of = (metric: FactMetric) => byMetric.get(metric) ?? []
      return {
        advisorId,
        name: own[own.length - 1]?.advisorName ?? null,
        responseTime: durationFigure(of('response')),
        firstResponseTime: durationFigure(of('first_response')),
        handlingTime: durationFigure(of('handling_share')),
        answered: of('answered').length,
        finished: of('finished').length,
      }
    })
    .sort(
      (a, b) => (a.name ?? a.advisorId).localeCompare(b.name ?? b.advisorId) || a.advisorId.localeCompare(b.advisorId),
    )
}

const seriesMetrics: Partial<Record<FactMetric, Exclude<keyof AnalyticsBucket, 'start'>>> = {
  created: 'created',
  reopened: 'reopened',
  answered: 'answered',
  finished: 'finished',
  blocked: 'blocked',
  handed_off: 'handedOff',
}

/** The window's counts per local hour or day; the first and last buckets are cut at the window's edges. */
function countSeries(facts: FactRow[], window: ResolvedWindow): AnalyticsBucket[] {
  const starts = bucketStarts(window)
  const buckets: AnalyticsBucket[] = starts.map((start) => ({
    start: new Date(start).toISOString(),
    created: 0,
    reopened: 0,
    answered: 0,
    finished: 0,
    blocked: 0,
    handedOff: 0,
  }))
  for (const fact of facts) {
    const field = seriesMetrics[fact.metric]
    const bucket = buckets[lastAtOrBefore(starts, fact.at)]
    if (field !== undefined && bucket) bucket[field] += 1
  }
  return buckets
}

/** Every UTC offset is a whole number of quarter hours, so local hours and days begin on one. */
const quarterHour = 15 * 60_000

/** Where each local hour or day of the window begins (the first at `from`). */
export function bucketStarts({ from, to, timezone, bucket }: ResolvedWindow): number[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(bucket === 'hour' ? { hour: '2-digit' } : {}),
  })
  const starts = [from]
  let previous = format.format(from)
  for (let slot = Math.floor(from / quarterHour) * quarterHour + quarterHour; slot < to; slot += quarterHour) {
    const key = format.format(slot)
    if (key !== previous) starts.push(slot)
    previous = key
  }
  return starts
}

/** The index of the last start at or before `at` (starts ascending, `at` ≥ the first). */
function lastAtOrBefore(starts: number[], at: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if ((starts[middle] ?? 0) <= at) low = middle
    else high = middle - 1
  }
  return low
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const group = groups.get(key(item))
    if (group) group.push(item)
    else groups.set(key(item), [item])
  }
  return groups
}

import type {
  AnalyticsAdvisor,
  AnalyticsBucket,
  AnalyticsCount,
  AnalyticsDuration,
  AnalyticsQuery,
  AnalyticsResponse,
} from '@threadline/protocol'
import { sql } from 'kysely'
import { openIntervals } from '../availability/schedule.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { factMetrics } from './clock-rules.js'
import type { FactMetric } from './clock-rules.js'
import {
  factTotals,
  holdsAllRows,
  latestConversations,
  nearestRank,
  quarterHourCounts,
  quarterHourMs,
  rankedSamples,
  slowestConversations,
  slowestOf,
} from './fact-reads.js'
import type { FactScope, FactTotal, RankedSample } from './fact-reads.js'
import { analyticsDatabase, catchUpAnalytics } from './projection.js'
import type { AnalyticsDatabase } from './projection.js'

/** How many conversation ids a figure carries for drilling down; `conversationTotal` says how many there are. */
export const drillDownLimit = 100

const hour = 3_600_000
const day = 24 * hour
const windowLengths = { '24h': day, '7d': 7 * day, '30d': 30 * day } as const
/** A custom window may span up to this. */
const longestWindow = 400 * day
/** Windows up to this long are bucketed by hour, longer ones by day. */
const longestHourlyWindow = 2 * day

interface ResolvedWindow {
  from: number
  to: number
  timezone: string
  bucket: 'hour' | 'day'
}

const countMetrics = ['created', 'reopened', 'answered', 'finished', 'blocked', 'handed_off'] as const
/** The durations an advisor's breakdown shows: their replies, what they answered first, their handling share. */
const advisorDurations = ['response', 'first_response', 'handling_share'] as const

/**
 * `GET /v1/agent/analytics`: catches the projection up with the timeline (or answers `unavailable`
 * while a long catch-up runs in the background), then reads the figures of the facts that settled
 * in `[from, to)`, grouped and ranked in SQL (fact-reads.ts), and the live state.
 */
export async function workspaceAnalytics(
  context: ServerContext,
  { workspace, query }: { workspace: Workspace; query: AnalyticsQuery },
): Promise<AnalyticsResponse> {
  const workspaceId = workspace.id
  const window = resolveWindow(query, context.now())
  const openHours = query.hours === 'business' ? businessHours(workspace, window) : null
  await catchUpAnalytics(context, workspaceId)
  // One snapshot for every figure. On Postgres the sorts of the window functions and the distinct
  // counts get the memory to stay off disk (a 30-day window sorts some 220,000 samples).
  return analyticsDatabase(context)
    .transaction()
    .execute(async (db) => {
      if (context.database.kind === 'postgres') await sql`set local work_mem = '64MB'`.execute(db)
      return readFigures(context, db, { workspaceId, window, query, openHours })
    })
}

/** The open hours of the workspace's chat schedule within the window (docs/availability.md). */
function businessHours(workspace: Workspace, window: ResolvedWindow): Array<[number, number]> {
  const schedule = workspace.chat.schedule
  if (!schedule) throw new ApiError('validation_failed', 'business hours are not configured')
  return openIntervals(schedule, window.from, window.to)
}

async function readFigures(
  context: ServerContext,
  db: AnalyticsDatabase,
  {
    workspaceId,
    window,
    query,
    openHours,
  }: { workspaceId: string; window: ResolvedWindow; query: AnalyticsQuery; openHours: Array<[number, number]> | null },
): Promise<AnalyticsResponse> {
  const advisorId = query.advisorId ?? null
  const scope: FactScope = { workspaceId, from: window.from, to: window.to, advisorId, openHours }
  // One advisor's handling is their share; the workspace's is each session's first handling → finish.
  const handling = advisorId === null ? 'handling' : 'handling_share'
  const [{ totals }, { totals: advisorTotals, names }, quarters, liveRows] = await Promise.all([
    factTotals(db, scope, factMetrics, false),
    factTotals(db, scope, factMetrics, true),
    quarterHourCounts(db, scope, countMetrics),
    db
      .selectFrom('analytics_conversations')
      .select(['conversation_id', 'status', 'waiting_since'])
      .where('workspace_id', '=', workspaceId)
      // The open statuses, named: a range of the `(workspace_id, status)` index, where `!=` scans it.
      .where('status', 'in', ['unanswered', 'active'])
      .execute(),
  ])
  // The ranks read the sample counts of the totals, so each group is counted once.
  const [ranked, advisorRanked] = await Promise.all([
    rankedSamples(db, scope, ['response', 'first_response', handling, 'session'], false, totals),
    rankedSamples(db, scope, advisorDurations, true, advisorTotals),
  ])
  const total = (metric: FactMetric, advisor: string | null = null) =>
    (advisor === null ? totals : advisorTotals).find((row) => row.metric === metric && row.advisorId === advisor)
  const duration = (metric: FactMetric, advisor: string | null = null) =>
    durationFigure(
      db,
      scope,
      { metric, advisorId: advisor, total: total(metric, advisor) },
      (advisor === null ? ranked : advisorRanked).filter(
        (sample) => sample.metric === metric && sample.advisorId === advisor,
      ),
    )
  const count = async (metric: FactMetric): Promise<AnalyticsCount> => {
    const figure = total(metric)
    return {
      count: figure?.count ?? 0,
      conversationIds: figure ? await latestConversations(db, scope, metric, drillDownLimit) : [],
      conversationTotal: figure?.conversations ?? 0,
    }
  }
  const advisorIds = [...new Set(advisorTotals.map((row) => row.advisorId ?? ''))]
  const [metrics, counts, advisors] = await Promise.all([
    allOf({
      responseTime: duration('response'),
      firstResponseTime: duration('first_response'),
      handlingTime: duration(handling),
      sessionDuration: duration('session'),
    }),
    allOf({
      created: count('created'),
      reopened: count('reopened'),
      answered: count('answered'),
      finished: count('finished'),
      blocked: count('blocked'),
      handedOff: count('handed_off'),
    }),
    Promise.all(
      advisorIds.map(async (id): Promise<AnalyticsAdvisor> => ({
        advisorId: id,
        name: names.get(id) ?? null,
        ...(await allOf({
          responseTime: duration('response', id),
          firstResponseTime: duration('first_response', id),
          handlingTime: duration('handling_share', id),
        })),
        answered: total('answered', id)?.count ?? 0,
        finished: total('finished', id)?.count ?? 0,
      })),
    ),
  ])
  return {
    window: {
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      timezone: window.timezone,
      hours: openHours === null ? 'all' : 'business',
      bucket: window.bucket,
      advisorId,
    },
    metrics,
    counts,
    live: liveFigures(
      liveRows.map((row) => ({
        conversationId: row.conversation_id,
        status: row.status,
        waitingSince: row.waiting_since === null ? null : Number(row.waiting_since),
      })),
      context.now(),
    ),
    advisors: advisors.sort(
      (a, b) => (a.name ?? a.advisorId).localeCompare(b.name ?? b.advisorId) || a.advisorId.localeCompare(b.advisorId),
    ),
    series: countSeries(quarters, window),
  }
}

/** Awaits every promise of a record, keeping its keys. */
async function allOf<T extends Record<string, Promise<unknown>>>(
  promises: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(Object.entries(promises).map(async ([key, value]) => [key, await value]))
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> }
}
/** `window` names a span ending now; `from` and `to` give one. */
export function resolveWindow(query: AnalyticsQuery, now: number): ResolvedWindow {
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

/** The conversations behind a figure, the given ones first, each once. */
function drillDown(conversationIds: string[]): { conversationIds: string[]; conversationTotal: number } {
  const distinct = [...new Set(conversationIds)]
  return { conversationIds: distinct.slice(0, drillDownLimit), conversationTotal: distinct.length }
}

/**
 * n, avg and the nearest-rank p50 and p90 of one metric's samples (of one advisor, or all), from its
 * totals and its ranked rows; drilling down lists the slowest conversations first.
 */
async function durationFigure(
  db: AnalyticsDatabase,
  scope: FactScope,
  { metric, advisorId, total }: { metric: FactMetric; advisorId: string | null; total: FactTotal | undefined },
  samples: RankedSample[],
): Promise<AnalyticsDuration> {
  const n = total?.samples ?? 0
  const conversationTotal = total?.sampleConversations ?? 0
  const slowest = slowestOf(samples)
  return {
    n,
    avg: n === 0 ? null : Math.round((total?.sum ?? 0) / n),
    p50: nearestRank(samples, 0.5),
    p90: nearestRank(samples, 0.9),
    conversationIds:
      slowest.length >= Math.min(drillDownLimit, conversationTotal) || holdsAllRows(samples)
        ? slowest.slice(0, drillDownLimit)
        : await slowestConversations(db, scope, metric, advisorId, drillDownLimit),
    conversationTotal,
  }
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

const seriesMetrics: Partial<Record<FactMetric, Exclude<keyof AnalyticsBucket, 'start'>>> = {
  created: 'created',
  reopened: 'reopened',
  answered: 'answered',
  finished: 'finished',
  blocked: 'blocked',
  handed_off: 'handedOff',
}

/**
 * The window's counts per local hour or day, from the counts per quarter hour (each hour or day is
 * a run of whole quarter hours); the first and last buckets are cut at the window's edges.
 */
function countSeries(
  quarters: Array<{ metric: FactMetric; quarter: number; count: number }>,
  window: ResolvedWindow,
): AnalyticsBucket[] {
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
  for (const { metric, quarter, count } of quarters) {
    const field = seriesMetrics[metric]
    const bucket = buckets[lastAtOrBefore(starts, quarter * quarterHourMs)]
    if (field !== undefined && bucket) bucket[field] += count
  }
  return buckets
}

/** Every UTC offset is a whole number of quarter hours, so local hours and days begin on one. */
const quarterHour = quarterHourMs

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

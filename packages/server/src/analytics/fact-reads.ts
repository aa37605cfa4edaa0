import { sql } from 'kysely'
import type { ExpressionBuilder } from 'kysely'
import type { DatabaseSchema } from '../database/schema.js'
import type { FactMetric } from './clock-rules.js'
import type { AnalyticsDatabase, AnalyticsTables } from './projection.js'

/**
 * The reads behind `GET /v1/agent/analytics`, each grouped or limited in SQL so that only a few
 * thousand rows leave the database whatever the window: totals per metric (and per advisor), counts
 * per quarter hour, the rows at and around each duration's percentile ranks and its slowest rows,
 * and the latest rows of each count. The same statements run on SQLite and Postgres; every number
 * that comes back is passed through `Number()` (Postgres answers bigints and sums as strings).
 */

/** What the figures read: one workspace's facts settled in `[from, to)`, or those of one advisor. */
export interface FactScope {
  workspaceId: string
  from: number
  to: number
  /** Keeps the facts of this advisor, and created and reopened (they belong to the conversation). */
  advisorId: string | null
  /**
   * `hours=business`: the schedule's open hours in the window, as UTC `[start, end)`. A fact is kept
   * when what it measures began within them: a count at its instant, a duration at `at - value_ms`
   * (the customer's message a response answered, the take a handling time began with).
   */
  openHours: ReadonlyArray<readonly [number, number]> | null
}

type Facts = ExpressionBuilder<DatabaseSchema & AnalyticsTables, 'analytics_facts'>

export const quarterHourMs = 15 * 60_000
/** Rows fetched at first for a drill-down: enough for 100 distinct conversations unless one has many rows. */
const firstDrillDownRows = 400

/** The facts of `metrics` in the scope (the metric is listed, so the `(workspace_id, metric, at)` index serves each). */
function inScope(db: AnalyticsDatabase, scope: FactScope, metrics: readonly FactMetric[]) {
  return db
    .selectFrom('analytics_facts')
    .where('workspace_id', '=', scope.workspaceId)
    .where('metric', 'in', [...metrics])
    .where('at', '>=', scope.from)
    .where('at', '<', scope.to)
    .$if(scope.advisorId !== null, (query) =>
      query.where((eb: Facts) =>
        eb.or([eb('metric', 'in', ['created', 'reopened']), eb('advisor_id', '=', scope.advisorId)]),
      ),
    )
    .$if(scope.openHours !== null, (query) => query.where((eb: Facts) => beganWithin(eb, scope.openHours ?? [])))
}

/** The fact began within one of the intervals (none: no fact). */
function beganWithin(eb: Facts, intervals: ReadonlyArray<readonly [number, number]>) {
  const began = sql<number>`(at - coalesce(value_ms, 0))`
  return eb.or(intervals.map(([start, end]) => eb.and([eb(began, '>=', start), eb(began, '<', end)])))
}

export interface FactTotal {
  metric: FactMetric
  /** Null for the workspace's totals, else the advisor's. */
  advisorId: string | null
  count: number
  /** Facts with a value (the duration samples), their sum and the distinct conversations they belong to. */
  samples: number
  sum: number
  sampleConversations: number
  conversations: number
}

/**
 * Per metric: the scope's totals, or (`byAdvisor`) each advisor's, for facts that name one, with
 * the name on each advisor's latest fact. The advisors' rows are grouped by name as well, so one
 * scan gives both; an advisor renamed in the window has their distinct conversations counted again
 * across names.
 */
export async function factTotals(
  db: AnalyticsDatabase,
  scope: FactScope,
  metrics: readonly FactMetric[],
  byAdvisor: boolean,
): Promise<{ totals: FactTotal[]; names: Map<string, string | null> }> {
  const rows = await inScope(db, scope, metrics)
    .$if(byAdvisor, (query) => query.where('advisor_id', 'is not', null).groupBy(['advisor_id', 'advisor_name']))
    .groupBy('metric')
    .select((eb) => [
      'metric',
      byAdvisor ? 'advisor_id' : sql<null>`null`.as('advisor_id'),
      byAdvisor ? 'advisor_name' : sql<null>`null`.as('advisor_name'),
      eb.fn.max('at').as('latest'),
      eb.fn.countAll().as('count'),
      eb.fn.count('value_ms').as('samples'),
      eb.fn.sum('value_ms').as('sum'),
      sql<number>`count(distinct conversation_id)`.as('conversations'),
    ])
    .execute()
  const totals = new Map<string, FactTotal & { names: number; mixed: boolean }>()
  const names = new Map<string, { name: string | null; latest: number }>()
  for (const row of rows) {
    const metric = row.metric as FactMetric
    const key = `${metric} ${row.advisor_id ?? ''}`
    const known = totals.get(key)
    const count = Number(row.count)
    const samples = Number(row.samples)
    const conversations = Number(row.conversations)
    const total = known ?? {
      metric,
      advisorId: row.advisor_id,
      count: 0,
      samples: 0,
      sum: 0,
      sampleConversations: samples === 0 ? 0 : conversations,
      conversations,
      names: 0,
      mixed: false,
    }
    // A metric's facts all carry a value (a duration) or none do (a count): then the conversations
    // with samples are all of them or none, and one distinct count serves both.
    total.mixed ||= samples !== 0 && samples !== count
    total.count += count
    total.samples += samples
    total.sum += Number(row.sum ?? 0)
    total.names += 1
    totals.set(key, total)
    const latest = Number(row.latest)
    const name = names.get(row.advisor_id ?? '')
    if (row.advisor_id !== null && (!name || latest > name.latest))
      names.set(row.advisor_id, { name: row.advisor_name, latest })
  }
  for (const total of totals.values())
    if (total.mixed || (total.names > 1 && total.advisorId !== null))
      Object.assign(total, await distinctOf(db, scope, total))
  return {
    totals: [...totals.values()],
    names: new Map([...names].map(([advisorId, { name }]) => [advisorId, name])),
  }
}

/**
 * The distinct conversations of one metric (of one advisor, across the names they had), counted
 * apart for those with a value: for a renamed advisor, or facts of a metric with and without values.
 */
async function distinctOf(db: AnalyticsDatabase, scope: FactScope, { metric, advisorId }: FactTotal) {
  const row = await inScope(db, scope, [metric])
    .$if(advisorId !== null, (query) => query.where('advisor_id', '=', advisorId))
    .select([
      sql<number>`count(distinct case when value_ms is not null then conversation_id end)`.as('sample_conversations'),
      sql<number>`count(distinct conversation_id)`.as('conversations'),
    ])
    .executeTakeFirstOrThrow()
  return { sampleConversations: Number(row.sample_conversations), conversations: Number(row.conversations) }
}

/** How many facts of each metric settled in each quarter hour (`at / quarterHourMs`). */
export async function quarterHourCounts(db: AnalyticsDatabase, scope: FactScope, metrics: readonly FactMetric[]) {
  const quarter = sql<number>`at / ${sql.lit(quarterHourMs)}`
  const rows = await inScope(db, scope, metrics)
    .groupBy(['metric', quarter])
    .select((eb) => ['metric', quarter.as('quarter'), eb.fn.countAll().as('count')])
    .execute()
  return rows.map((row) => ({
    metric: row.metric as FactMetric,
    quarter: Number(row.quarter),
    count: Number(row.count),
  }))
}

/** One duration sample by its rank in its group: 1 is the fastest, `size` the slowest. */
export interface RankedSample {
  metric: FactMetric
  advisorId: string | null
  conversationId: string
  valueMs: number
  rank: number
  size: number
}

/** The nearest rank of `fraction` among `size` samples (1 is the fastest). */
function rankOf(fraction: number, size: number): number {
  return Math.max(1, Math.ceil(fraction * size))
}

/**
 * The samples each duration figure needs, ranked in SQL by a window function over the scope's
 * samples of each metric (and each advisor, with `byAdvisor`), fastest first; ties run latest first
 * so that, read backwards, the slowest come first and of equal ones the earliest (then by
 * conversation). `sizes` gives each group's number of samples (from `factTotals`, of the same
 * snapshot), so the statement ranks without counting each group again, and only the rows at the
 * median and the 90th percentile rank and the slowest `firstDrillDownRows` leave the database.
 */
export async function rankedSamples(
  db: AnalyticsDatabase,
  scope: FactScope,
  metrics: readonly FactMetric[],
  byAdvisor: boolean,
  sizes: ReadonlyArray<{ metric: FactMetric; advisorId: string | null; samples: number }>,
): Promise<RankedSample[]> {
  const groups = sizes.filter(
    (group) => metrics.includes(group.metric) && group.samples > 0 && (group.advisorId !== null) === byAdvisor,
  )
  if (groups.length === 0) return []
  const partition = byAdvisor ? sql`partition by metric, advisor_id` : sql`partition by metric`
  const ranked = inScope(db, scope, metrics)
    .where('value_ms', 'is not', null)
    .$if(byAdvisor, (query) => query.where('advisor_id', 'is not', null))
    .select([
      'metric',
      'advisor_id',
      'conversation_id',
      'value_ms',
      sql<number>`row_number() over (${partition} order by value_ms, at desc, conversation_id desc)`.as('sample_rank'),
    ])
  const wanted = groups.map(({ metric, advisorId, samples }) => {
    const ranks = [rankOf(0.5, samples), rankOf(0.9, samples)]
    const group = byAdvisor ? sql`metric = ${metric} and advisor_id = ${advisorId}` : sql`metric = ${metric}`
    return sql`(${group} and (sample_rank in (${sql.join(ranks)}) or sample_rank > ${samples - firstDrillDownRows}))`
  })
  const rows = await db
    .selectFrom(ranked.as('ranked'))
    .selectAll()
    .where(sql<boolean>`${sql.join(wanted, sql` or `)}`)
    .execute()
  const sizeOf = new Map(groups.map((group) => [`${group.metric} ${group.advisorId ?? ''}`, group.samples]))
  return rows.map((row) => ({
    metric: row.metric as FactMetric,
    advisorId: byAdvisor ? row.advisor_id : null,
    conversationId: row.conversation_id,
    valueMs: Number(row.value_ms),
    rank: Number(row.sample_rank),
    size: sizeOf.get(`${row.metric} ${byAdvisor ? (row.advisor_id ?? '') : ''}`) ?? 0,
  }))
}

/** The slowest conversations of one duration figure, when its slowest rows name fewer than the limit. */
export function slowestConversations(
  db: AnalyticsDatabase,
  scope: FactScope,
  metric: FactMetric,
  advisorId: string | null,
  limit: number,
): Promise<string[]> {
  return distinctConversations(limit, async (rows) =>
    (
      await inScope(db, scope, [metric])
        .where('value_ms', 'is not', null)
        .$if(advisorId !== null, (query) => query.where('advisor_id', '=', advisorId))
        .select('conversation_id')
        .orderBy('value_ms', 'desc')
        .orderBy('at')
        .orderBy('conversation_id')
        .limit(rows)
        .execute()
    ).map((row) => row.conversation_id),
  )
}

/** The latest conversations of one count figure, by a backward walk of the `(workspace_id, metric, at)` index. */
export function latestConversations(
  db: AnalyticsDatabase,
  scope: FactScope,
  metric: FactMetric,
  limit: number,
): Promise<string[]> {
  return distinctConversations(limit, async (rows) =>
    (
      await inScope(db, scope, [metric])
        .select('conversation_id')
        .orderBy('at', 'desc')
        .orderBy('conversation_id', 'desc')
        .limit(rows)
        .execute()
    ).map((row) => row.conversation_id),
  )
}

/** Up to `limit` distinct ids from `fetch(rows)`, asking for more rows while duplicates leave it short. */
async function distinctConversations(limit: number, fetch: (rows: number) => Promise<string[]>): Promise<string[]> {
  for (let rows = firstDrillDownRows; ; rows *= 4) {
    const ids = await fetch(rows)
    const distinct = [...new Set(ids)]
    if (distinct.length >= limit || ids.length < rows) return distinct.slice(0, limit)
  }
}

/** The distinct conversations of ranked samples, slowest first. */
export function slowestOf(samples: RankedSample[]): string[] {
  return [...new Set([...samples].sort((a, b) => b.rank - a.rank).map((sample) => sample.conversationId))]
}

/** Whether `samples` (a group's slowest rows) are all its rows, so `slowestOf` lists every conversation. */
export function holdsAllRows(samples: RankedSample[]): boolean {
  const size = samples[0]?.size ?? 0
  return size <= firstDrillDownRows
}

/** Nearest rank: the smallest value with at least `fraction` of the samples at or below it. */
export function nearestRank(samples: RankedSample[], fraction: number): number | null {
  const size = samples[0]?.size ?? 0
  if (size === 0) return null
  const rank = rankOf(fraction, size)
  return samples.find((sample) => sample.rank === rank)?.valueMs ?? null
}

import { sql } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import type { DatabaseKind } from '../database/database.js'
import { ApiError } from '../errors/api-error.js'
import type { DatabaseSchema } from '../database/schema.js'
import type { ServerContext } from '../server-context.js'
import { applyClockEvent, newConversationClock } from './clock-rules.js'
import type { ClockEvent, ConversationClock, Fact, LiveStatus } from './clock-rules.js'

/** The projection's tables (migration `0012_analytics`); only this folder writes them. */
export type AnalyticsTables = {
  analytics_progress: { workspace_id: string; last_cursor: number }
  analytics_conversations: {
    conversation_id: string
    workspace_id: string
    status: LiveStatus
    waiting_since: number | null
    state: string
  }
  analytics_facts: {
    id: string
    workspace_id: string
    conversation_id: string
    metric: string
    advisor_id: string | null
    advisor_name: string | null
    at: number
    value_ms: number | null
  }
}

export type AnalyticsDatabase = Kysely<DatabaseSchema & AnalyticsTables>

/** The database with the projection's tables in view. */
export function analyticsDatabase(context: ServerContext): AnalyticsDatabase {
  return context.database.db.withTables<AnalyticsTables>()
}

/** Events folded per transaction: large enough to catch up quickly, small enough to hold the lock briefly. */
const batchSize = 5_000
/** Rows per insert statement, well under either database's limit on bound parameters. */
const rowsPerInsert = 500

/** Events a query may still fold itself before it reads; a longer catch-up runs in the background. */
const defaultInlineFoldLimit = 10_000
/** What `Retry-After` assumes of a background fold before it has timed itself (events per second). */
const assumedFoldRate = 10_000
/** The longest `Retry-After` while a background fold runs: clients see the wait shrink. */
const longestRetryAfterSeconds = 30

/** A catch-up running in the background for one workspace. */
interface BackgroundFold {
  done: Promise<void>
  startedAt: number
  folded: number
}

/** Per server: the inline limit and the background folds by workspace (tests run several servers in one process). */
interface CatchUpState {
  inlineFoldLimit: number
  folds: Map<string, BackgroundFold>
}

const catchUpStates = new WeakMap<ServerContext, CatchUpState>()

function catchUpState(context: ServerContext): CatchUpState {
  let state = catchUpStates.get(context)
  if (!state) {
    state = { inlineFoldLimit: defaultInlineFoldLimit, folds: new Map() }
    catchUpStates.set(context, state)
  }
  return state
}

/** For tests: how many events a query may fold itself before the catch-up moves to the background. */
export function setInlineFoldLimit(context: ServerContext, events: number): void {
  catchUpState(context).inlineFoldLimit = events
}

/**
 * Brings the workspace's projection up to its last committed timeline event, before a query reads
 * it. The analytics are thereby incremental: each query folds only what was appended since the last
 * one. Timeline cursors become visible in order (see docs/architecture.md), so "every event above
 * the last cursor folded" misses none. On Postgres the progress row is locked for the batch, so two
 * processes catching up at once fold each event once.
 *
 * When the projection is far behind (after an upgrade, an import, or once it was emptied), the
 * query does not hold its request for the whole fold: the fold starts in the background and the
 * query answers `503 unavailable` with `Retry-After` until what is left is small enough to fold
 * inline again.
 */
export async function catchUpAnalytics(context: ServerContext, workspaceId: string): Promise<void> {
  const state = catchUpState(context)
  const behind = await eventsBehind(context, workspaceId, state.inlineFoldLimit + 1)
  const running = state.folds.get(workspaceId)
  if (behind > state.inlineFoldLimit) {
    const fold = running ?? startBackgroundFold(context, state, workspaceId)
    throw new ApiError('unavailable', 'The analytics are being brought up to date; try again shortly', {
      retryAfterSeconds: await retryAfterSeconds(context, workspaceId, fold),
    })
  }
  // Nearly caught up: let the background fold finish its batch rather than wait on its lock.
  if (running) await running.done
  await foldAll(context, workspaceId)
}

/** Folds batches until none is full: the workspace's projection is then at its last committed event. */
async function foldAll(context: ServerContext, workspaceId: string, fold?: BackgroundFold): Promise<void> {
  const db = analyticsDatabase(context)
  for (;;) {
    const folded = await db.transaction().execute((transaction) => foldBatch(context, transaction, workspaceId))
    if (fold) {
      fold.folded += folded
      // Between batches the server answers other requests (on SQLite a batch holds the one connection).
      await new Promise((resolve) => setImmediate(resolve))
    }
    if (folded < batchSize) return
  }
}

function startBackgroundFold(context: ServerContext, state: CatchUpState, workspaceId: string): BackgroundFold {
  const fold: BackgroundFold = { done: Promise.resolve(), startedAt: performance.now(), folded: 0 }
  context.log(`analytics: the projection of workspace ${workspaceId} is far behind; folding it in the background`)
  fold.done = foldAll(context, workspaceId, fold)
    .then(() => {
      const seconds = (performance.now() - fold.startedAt) / 1000
      context.log(`analytics: folded ${fold.folded} events of workspace ${workspaceId} in ${seconds.toFixed(1)} s`)
    })
    .catch((error: unknown) => {
      // The next query starts it again (a fold resumes from the last batch committed).
      context.log(`analytics: the background fold of workspace ${workspaceId} failed: ${String(error)}`)
    })
    .finally(() => state.folds.delete(workspaceId))
  state.folds.set(workspaceId, fold)
  return fold
}

/** How many timeline events the projection has yet to fold, counted up to `atMost`. */
async function eventsBehind(context: ServerContext, workspaceId: string, atMost: number): Promise<number> {
  const db = analyticsDatabase(context)
  const lastCursor = await lastCursorFolded(db, workspaceId)
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('conversation_events')
        .select('cursor')
        .where('workspace_id', '=', workspaceId)
        .where('cursor', '>', lastCursor)
        .limit(atMost)
        .as('behind'),
    )
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The last timeline cursor the workspace's projection folded (0 before its first fold). */
async function lastCursorFolded(db: AnalyticsDatabase, workspaceId: string): Promise<number> {
  const progress = await db
    .selectFrom('analytics_progress')
    .select('last_cursor')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  return Number(progress?.last_cursor ?? 0)
}

/** The time the background fold needs for what is left, at the pace it has kept so far. */
async function retryAfterSeconds(context: ServerContext, workspaceId: string, fold: BackgroundFold): Promise<number> {
  const db = analyticsDatabase(context)
  const [timeline, folded] = await Promise.all([
    db.selectFrom('timeline_cursors').select('last_cursor').where('workspace_id', '=', workspaceId).executeTakeFirst(),
    lastCursorFolded(db, workspaceId),
  ])
  const left = Number(timeline?.last_cursor ?? 0) - folded
  const seconds = (performance.now() - fold.startedAt) / 1000
  const rate = fold.folded > 0 && seconds > 0 ? fold.folded / seconds : assumedFoldRate
  return Math.min(longestRetryAfterSeconds, Math.max(1, Math.ceil(left / rate)))
}

async function foldBatch(
  context: ServerContext,
  transaction: Transaction<DatabaseSchema & AnalyticsTables>,
  workspaceId: string,
): Promise<number> {
  await transaction
    .insertInto('analytics_progress')
    .values({ workspace_id: workspaceId, last_cursor: 0 })
    .onConflict((conflict) => conflict.column('workspace_id').doNothing())
    .execute()
  const progress = await transaction
    .selectFrom('analytics_progress')
    .select('last_cursor')
    .where('workspace_id', '=', workspaceId)
    .$if(context.database.kind === 'postgres', (query) => query.forUpdate())
    .executeTakeFirstOrThrow()
  const rows = await transaction
    .selectFrom('conversation_events')
    .select([
      'id',
      'conversation_id',
      'position',
      'cursor',
      'kind',
      'actor_kind',
      'actor_id',
      'actor_name',
      'payload',
      'created_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .where('cursor', '>', Number(progress.last_cursor))
    .orderBy('cursor')
    .limit(batchSize)
    .execute()
  if (rows.length === 0) return 0

  const clocks = await loadClocks(transaction, [...new Set(rows.map((row) => row.conversation_id))])
  const facts: Fact[] = []
  for (const row of rows) {
    let clock = clocks.get(row.conversation_id)
    if (!clock) {
      clock = newConversationClock()
      clocks.set(row.conversation_id, clock)
    }
    facts.push(...applyClockEvent(clock, toClockEvent(row), Number(row.position) === 1))
  }
  await insertFacts(transaction, workspaceId, facts)
  await saveClocks(transaction, workspaceId, clocks)
  await transaction
    .updateTable('analytics_progress')
    .set({ last_cursor: Number(rows[rows.length - 1]?.cursor) })
    .where('workspace_id', '=', workspaceId)
    .execute()
  return rows.length
}

function toClockEvent(row: {
  id: string
  conversation_id: string
  kind: string
  actor_kind: ClockEvent['actorKind']
  actor_id: string | null
  actor_name: string | null
  payload: string
  created_at: number
}): ClockEvent {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    kind: row.kind,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    at: Number(row.created_at),
  }
}

async function loadClocks(
  transaction: Transaction<DatabaseSchema & AnalyticsTables>,
  conversationIds: string[],
): Promise<Map<string, ConversationClock>> {
  const clocks = new Map<string, ConversationClock>()
  for (const ids of chunks(conversationIds, rowsPerInsert)) {
    const rows = await transaction
      .selectFrom('analytics_conversations')
      .select(['conversation_id', 'state'])
      .where('conversation_id', 'in', ids)
      .execute()
    for (const row of rows) clocks.set(row.conversation_id, JSON.parse(row.state) as ConversationClock)
  }
  return clocks
}

async function insertFacts(
  transaction: Transaction<DatabaseSchema & AnalyticsTables>,
  workspaceId: string,
  facts: Fact[],
): Promise<void> {
  for (const part of chunks(facts, rowsPerInsert)) {
    await transaction
      .insertInto('analytics_facts')
      .values(
        part.map((fact) => ({
          id: fact.id,
          workspace_id: workspaceId,
          conversation_id: fact.conversationId,
          metric: fact.metric,
          advisor_id: fact.advisorId,
          advisor_name: fact.advisorName,
          at: fact.at,
          value_ms: fact.valueMs,
        })),
      )
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute()
  }
}

async function saveClocks(
  transaction: Transaction<DatabaseSchema & AnalyticsTables>,
  workspaceId: string,
  clocks: Map<string, ConversationClock>,
): Promise<void> {
  for (const part of chunks([...clocks], rowsPerInsert)) {
    await transaction
      .insertInto('analytics_conversations')
      .values(
        part.map(([conversationId, clock]) => ({
          conversation_id: conversationId,
          workspace_id: workspaceId,
          status: clock.status,
          waiting_since: clock.waitingSince,
          state: JSON.stringify(clock),
        })),
      )
      .onConflict((conflict) =>
        conflict.column('conversation_id').doUpdateSet({
          status: sql`excluded.status`,
          waiting_since: sql`excluded.waiting_since`,
          state: sql`excluded.state`,
        }),
      )
      .execute()
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const parts: T[][] = []
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size))
  return parts
}

/**
 * Removes what the projection holds of conversations being deleted (an erasure or the retention
 * sweep), in the caller's transaction and before the conversations go: the projection stays what a
 * rebuild from the remaining timeline would give, so a deleted conversation leaves no figure, no
 * drill-down id and no advisor name behind. On Postgres the workspaces' progress rows are locked
 * first, as a catch-up locks them, so a catch-up running at the same time cannot write back facts
 * of an event it read before the deletion.
 */
export async function forgetAnalyticsOf(
  transaction: Transaction<DatabaseSchema>,
  conversationIds: string[],
  databaseKind: DatabaseKind,
): Promise<void> {
  const projection = transaction.withTables<AnalyticsTables>()
  for (const ids of chunks(conversationIds, rowsPerInsert)) {
    if (databaseKind === 'postgres')
      await projection
        .selectFrom('analytics_progress')
        .select('workspace_id')
        .where(
          'workspace_id',
          'in',
          projection.selectFrom('conversations').select('workspace_id').where('id', 'in', ids),
        )
        .forUpdate()
        .execute()
    await projection.deleteFrom('analytics_facts').where('conversation_id', 'in', ids).execute()
    await projection.deleteFrom('analytics_conversations').where('conversation_id', 'in', ids).execute()
  }
}

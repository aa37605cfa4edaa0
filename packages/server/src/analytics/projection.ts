import { sql } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import type { DatabaseKind } from '../database/database.js'
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

/**
 * Brings the workspace's projection up to its last committed timeline event, before a query reads
 * it. The analytics are thereby incremental: each query folds only what was appended since the last
 * one. Timeline cursors become visible in order (see docs/architecture.md), so "every event above
 * the last cursor folded" misses none. On Postgres the progress row is locked for the batch, so two
 * processes catching up at once fold each event once.
 */
export async function catchUpAnalytics(context: ServerContext, workspaceId: string): Promise<void> {
  const db = analyticsDatabase(context)
  for (;;) {
    const folded = await db.transaction().execute((transaction) => foldBatch(context, transaction, workspaceId))
    if (folded < batchSize) return
  }
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
